"""Demo visits: six months of invented daily totals, so that the dashboard and
the reports of a demo installation have a shape to show.

Only days without totals are filled, and never today (the roll-up owns it), so
running the seed again, or after real visits were counted, changes nothing.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.metrics.models import DailyPageViews, DailyTraffic, PageKind

# A typical day's share of views per kind of page.
SHARES = {
    PageKind.HOME: 0.22,
    PageKind.QUESTION_LIST: 0.16,
    PageKind.QUESTION: 0.24,
    PageKind.FAQ: 0.08,
    PageKind.BOARD: 0.05,
    PageKind.DIRECTORY: 0.07,
    PageKind.GUIDELINE: 0.07,
    PageKind.GUIDELINE_PDF: 0.01,
    PageKind.ACCOUNT: 0.04,
    PageKind.BOARD_WORK: 0.04,
    PageKind.OTHER: 0.02,
}


@transaction.atomic
def seed_visits(*, days: int = 183, seed: int = 2026) -> int:
    """Fill the daily totals of the ``days`` days before today that have none; returns the days filled."""
    rng = random.Random(seed)  # noqa: S311 (invented demo figures, not secrets)
    today = timezone.localdate()
    wanted = [today - timedelta(days=offset) for offset in range(days, 0, -1)]
    existing = set(DailyTraffic.objects.filter(day__in=wanted).values_list("day", flat=True))
    traffic, pages = [], []
    for index, day in enumerate(wanted):
        # Growing slowly over the months, quieter at weekends; drawn for every
        # day so that each day's figures do not depend on which days exist.
        base = 140 + index * 0.6
        views = int(base * (0.35 if day.weekday() >= 5 else 1.0) * rng.uniform(0.8, 1.2))
        visitors = int(views / rng.uniform(2.6, 3.4))
        if day in existing:
            continue
        traffic.append(DailyTraffic(day=day, views=views, visitors=visitors))
        for kind, share in SHARES.items():
            kind_views = max(int(views * share), 0)
            pages.append(
                DailyPageViews(day=day, kind=kind, views=kind_views, visitors=min(visitors, max(kind_views // 2, 0)))
            )
    DailyTraffic.objects.bulk_create(traffic)
    DailyPageViews.objects.bulk_create(pages)
    return len(traffic)
