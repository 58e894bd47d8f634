"""Working days for the board's deadlines: weekends and Italian public
holidays do not count.

The holidays come from the ``holidays`` package, which follows the law as it
changes (4 October became a national holiday from 2026). A province's patron
saint's day (7 December in Milan) can be added with
``WORKING_CALENDAR_PROVINCE``.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=32)
def _holidays(year: int, province: str | None) -> frozenset[date]:
    return frozenset(holidays.country_holidays("IT", subdiv=province, years=year))


def is_working_day(day: date) -> bool:
    province = getattr(settings, "WORKING_CALENDAR_PROVINCE", None) or None
    return day.weekday() < 5 and day not in _holidays(day.year, province)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` is not later)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def _as_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@lru_cache(maxsize=4096)
def _working_day_bounds(day: date, zone, province: str | None) -> tuple[datetime, datetime] | None:
    """The start and end of ``day`` in UTC when it is a working day, else None."""
    if day.weekday() >= 5 or day in _holidays(day.year, province):
        return None
    # In UTC: aware datetimes sharing a tzinfo subtract as wall time.
    return (
        _as_utc(datetime.combine(day, time.min, tzinfo=zone)),
        _as_utc(datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)),
    )


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """The time between two moments that falls on working days (local days that
    are neither weekends nor Italian public holidays). Friday 17:00 → Monday
    09:00 is 16 hours: Friday 17-24 and Monday 0-9."""
    if end <= start:
        return timedelta(0)
    zone = timezone.get_current_timezone()
    # Read once, and the days' bounds kept: dashboards call this for thousands of answers.
    province = getattr(settings, "WORKING_CALENDAR_PROVINCE", None) or None
    start_utc, end_utc = _as_utc(start), _as_utc(end)
    total = timedelta(0)
    day = timezone.localtime(start, zone).date()
    last = timezone.localtime(end, zone).date()
    while day <= last:
        bounds = _working_day_bounds(day, zone, province)
        if bounds is not None:
            overlap = min(end_utc, bounds[1]) - max(start_utc, bounds[0])
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total
