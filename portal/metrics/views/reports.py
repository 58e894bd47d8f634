"""The six-month reports' pages, for staff and administrators: the list with
the form that asks for one, each report's status (polled by
``static/js/pdf-status.js``) and its download. The PDF is made by the worker
(``reports.produce``); these views never render it."""

from datetime import date

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from experts.forms import DateInput
from portal.accounts.permissions import capability_required
from portal.accounts.roles import Capability
from portal.metrics import reports
from portal.metrics.models import Report
from portal.metrics.periods import Period
from portal.shortcuts import run_service, throttled

PER_PAGE = 20
PRESETS = ("last", "current")

may_view_metrics = capability_required(Capability.VIEW_METRICS)


class ReportRequestForm(forms.Form):
    """A period and a language; a preset button fills the period in."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), help_text=_("Both days are included."), widget=DateInput())
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, data=None, *, today: date, **kwargs):
        self.today = today
        self.presets = {"last": reports.last_complete_period(today), "current": reports.current_period(today)}
        if data is not None and data.get("preset") in PRESETS:
            period = self.presets[data["preset"]]
            data = data.copy()
            if period is not None:
                data["start"], data["end"] = period.start.isoformat(), period.end.isoformat()
        super().__init__(data, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("language", translation.get_language()[:2])
            last = self.presets["last"]
            if last is not None:
                self.initial.setdefault("start", last.start)
                self.initial.setdefault("end", last.end)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period must end on or after its first day."))
            elif end > self.today:
                self.add_error("end", _("The period cannot end after today."))
            elif (end - start).days + 1 > reports.MAX_DAYS:
                self.add_error("end", _("A report covers at most two years."))
        return cleaned

    @property
    def period(self) -> Period:
        return Period(start=self.cleaned_data["start"], end=self.cleaned_data["end"])


def _render_list(request, form: ReportRequestForm, *, status: int = 200):
    page = Paginator(Report.objects.select_related("requested_by"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "metrics/reports.html",
        {"page": page, "reports": page.object_list, "form": form, "presets": form.presets},
        status=status,
    )


@require_safe
@may_view_metrics
def report_list(request):
    return _render_list(request, ReportRequestForm(today=timezone.localdate()))


@require_POST
@may_view_metrics
def request_report(request):
    """Queue a report for the worker and go to its status page; nothing is rendered here."""
    form = ReportRequestForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        return _render_list(request, form, status=400)
    if response := throttled(request, "metrics_report"):
        return response
    made = []
    if not run_service(
        request,
        lambda: made.append(
            reports.request_report(period=form.period, language=form.cleaned_data["language"], user=request.user)
        ),
        form=form,
    ):
        return _render_list(request, form, status=400)
    return redirect("metrics:report", pk=made[0].pk)


@require_safe
@may_view_metrics
def report_status(request, pk: int):
    """The state of a report: a page that polls itself, or JSON for its script."""
    report = get_object_or_404(Report.objects.select_related("requested_by"), pk=pk)
    download = reverse("metrics:report_download", args=[report.pk]) if report.is_ready else ""
    if request.GET.get("format") == "json":
        response = JsonResponse(
            {"status": report.status, "download": download, "pages": report.pages, "size": report.size}
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "metrics/report_status.html",
        {"report": report, "download": download, "period": reports.report_period(report)},
    )


@require_safe
@may_view_metrics
def report_download(request, pk: int):
    """The PDF, through this view only: the media folder is not served."""
    report = get_object_or_404(Report, pk=pk)
    if not report.is_ready or not report.file:
        return redirect("metrics:report", pk=report.pk)
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=reports.file_name(report), content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
