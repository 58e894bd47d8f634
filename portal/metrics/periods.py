"""A period of whole days over which the figures are counted.

Both ends are included. Days are local days (``settings.TIME_ZONE``): a
question asked at 23:30 in Rome on 31 March counts for March.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext


def long_date(day: date) -> str:
    """A date written out in the active language: "1 marzo 2025", "1 March 2025"."""
    text = date_format(day, "j E Y")
    # Italian writes month names in lower case; Django's locale capitalises them.
    return text.lower() if (get_language() or "").startswith("it") else text


@dataclass(frozen=True)
class Period:
    """The days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(start=end - timedelta(days=self.days - 1), end=end)

    def label(self) -> str:
        """The dates in the active language, e.g. "1 gennaio 2026 - 30 giugno 2026"."""
        return gettext("%(start)s – %(end)s") % {"start": long_date(self.start), "end": long_date(self.end)}

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(self.days)]

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware datetimes for filtering timestamps: ``start <= t < end``."""
        zone = timezone.get_current_timezone()
        first = datetime.combine(self.start, time.min, tzinfo=zone)
        after = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return first, after

    @classmethod
    def last_days(cls, days: int, *, today: date | None = None) -> "Period":
        """The ``days`` days ending today (today included)."""
        if days < 1:
            raise ValueError("days must be at least 1")
        today = today or timezone.localdate()
        return cls(start=today - timedelta(days=days - 1), end=today)

    @classmethod
    def half_year(cls, start: date) -> "Period":
        """Six calendar months from ``start``: 2026-01-01 → 2026-06-30, 2026-07-15 → 2027-01-14."""
        month = start.month - 1 + 6
        year, month = start.year + month // 12, month % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return cls(start=start, end=date(year, month, day) - timedelta(days=1))
