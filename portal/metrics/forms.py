"""The dashboard's choice of period (a GET form: the address can be shared)."""

import calendar
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.forms import DateInput
from portal.metrics.periods import Period

# The longest period one page or download covers: about three years.
MAX_DAYS = 3 * 366
DEFAULT_DAYS = 30


def six_months_back(today: date) -> date:
    """The first day of the six calendar months ending ``today``: 30 June → 1 January."""
    day = today + timedelta(days=1)
    month = day.month - 1 - 6
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PeriodForm(forms.Form):
    LAST_30_DAYS = "30d"
    LAST_SIX_MONTHS = "6m"
    CUSTOM = "custom"

    range = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (LAST_30_DAYS, _("Last 30 days")),
            (LAST_SIX_MONTHS, _("Last six months")),
            (CUSTOM, _("Custom dates")),
        ],
        initial=LAST_30_DAYS,
        required=False,
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        data = super().clean()
        choice = data.get("range") or (self.CUSTOM if data.get("start") or data.get("end") else self.LAST_30_DAYS)
        data["range"] = choice
        if choice == self.LAST_30_DAYS:
            data["period"] = Period.last_days(DEFAULT_DAYS, today=self.today)
            return data
        if choice == self.LAST_SIX_MONTHS:
            data["period"] = Period(start=six_months_back(self.today), end=self.today)
            return data
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            return data
        if start is None:
            self.add_error("start", _("Enter the first day of the period."))
        if end is None:
            self.add_error("end", _("Enter the last day of the period."))
        if start is None or end is None:
            return data
        if end > self.today:
            self.add_error("end", _("The period cannot end in the future."))
        elif end < start:
            self.add_error("end", _("The last day cannot be before the first day."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error(None, _("Choose a period of at most three years."))
        else:
            data["period"] = Period(start=start, end=end)
        return data

    @property
    def period(self) -> Period:
        """The chosen period; the last 30 days when the form is not valid."""
        if self.is_valid():
            return self.cleaned_data["period"]
        return Period.last_days(DEFAULT_DAYS, today=self.today)


def period_from_query(query, *, today: date | None = None) -> Period | None:
    """The period of ``?start=YYYY-MM-DD&end=YYYY-MM-DD`` (downloads and the
    API), the last 30 days when neither is given, None when they are invalid."""
    if not query.get("start") and not query.get("end"):
        return Period.last_days(DEFAULT_DAYS, today=today)
    form = PeriodForm({"range": PeriodForm.CUSTOM, "start": query.get("start"), "end": query.get("end")}, today=today)
    return form.cleaned_data["period"] if form.is_valid() else None


def period_errors(query, *, today: date | None = None) -> list[str]:
    form = PeriodForm({"range": PeriodForm.CUSTOM, "start": query.get("start"), "end": query.get("end")}, today=today)
    form.is_valid()
    return [str(message) for messages in form.errors.values() for message in messages]
