"""Working days for the board's deadlines: weekends and Italian public
holidays do not count.

The holidays come from the ``holidays`` package, which follows the law as it
changes (4 October became a national holiday from 2026). A province's patron
saint's day (7 December in Milan) can be added with
``WORKING_CALENDAR_PROVINCE``.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings


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
