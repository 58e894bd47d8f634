from datetime import date

import pytest

from experts.calendar import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday: the next Monday
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday: over the weekend
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # asked on a Saturday
        (date(2026, 12, 4), 5, date(2026, 12, 14)),  # 8 December (Immacolata) skipped
        (date(2026, 12, 24), 5, date(2027, 1, 4)),  # 25, 26 December and 1 January, across the year's end
        (date(2026, 12, 31), 3, date(2027, 1, 7)),  # 1 and 6 January (Epifania)
        (date(2027, 3, 25), 2, date(2027, 3, 30)),  # Easter Monday 2027 is 29 March
        (date(2026, 4, 23), 2, date(2026, 4, 27)),  # 25 April falls on a Saturday in 2026
        (date(2026, 10, 2), 1, date(2026, 10, 5)),  # 4 October, a national holiday from 2026, is a Sunday
        (date(2027, 10, 1), 1, date(2027, 10, 5)),  # ... and a Monday in 2027
        (date(2026, 11, 23), 0, date(2026, 11, 23)),
    ],
)
def test_add_working_days_skips_weekends_and_italian_holidays(start, days, expected):
    assert add_working_days(start, days) == expected


def test_a_provinces_patron_saint_counts_when_configured(settings):
    settings.WORKING_CALENDAR_PROVINCE = None
    assert is_working_day(date(2026, 12, 7))
    settings.WORKING_CALENDAR_PROVINCE = "MI"  # Sant'Ambrogio, Milan
    assert not is_working_day(date(2026, 12, 7))
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 9)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 30), 5),
        (date(2026, 12, 24), date(2027, 1, 4), 5),
        (date(2026, 11, 30), date(2026, 11, 23), 0),
        (date(2026, 11, 28), date(2026, 11, 29), 0),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)
