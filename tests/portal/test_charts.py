import re
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from portal.charts import _ticks, bar_chart, time_series_chart


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (2, [0, 1, 2]),
        (5, [0, 1, 2, 3, 4, 5]),
        (20, [0, 5, 10, 15, 20]),
        (50, [0, 10, 20, 30, 40, 50]),
        (1000, [0, 200, 400, 600, 800, 1000]),
    ],
)
def test_the_value_axis_has_round_steps(top, ticks):
    assert _ticks(top) == ticks


def test_bars_are_proportional_to_their_values_on_a_round_scale():
    chart = bar_chart(title="Questions by topic", rows=[("Ethics committee", 12), ("Statistics", 6), ("Other", 0)])
    widths = [bar.width for bar in chart.bars]
    # 12 on a scale up to 20: three fifths of the plot; 6 half of that; 0 nothing.
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    assert chart.rows == [("Ethics committee", "12", ""), ("Statistics", "6", ""), ("Other", "0", "")]


def test_a_chart_of_zeros_says_there_is_no_data():
    chart = bar_chart(title="Topics", rows=[("A", 0)])
    with translation.override("en"):
        html = render_to_string("components/chart.html", {"chart": chart})
    assert chart.is_empty and "<svg" not in html and "No data for this period." in html


def test_a_time_series_draws_the_previous_period_as_a_line_and_dates_along_the_axis():
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(12)]
    chart = time_series_chart(
        title="Visits", points=[(day, 10 * n) for n, day in enumerate(days)], previous=[5] * 12, previous_label="Before"
    )
    assert len(chart.bars) == 12 and len(chart.previous) == 12
    assert chart.previous_line.count(",") == 12
    assert len(chart.dates) == 6  # one label every two days
    assert chart.rows[3] == (chart.bars[3].label, "30", "5")


def test_the_svg_is_accessible_and_its_geometry_is_never_localised():
    with translation.override("it"):
        chart = time_series_chart(
            title="Visite", points=[(date(2026, 1, 1), 1234.5), (date(2026, 1, 2), 10)], decimals=1
        )
        html = render_to_string("components/chart.html", {"chart": chart, "table_open": True})
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert f'aria-labelledby="{chart.uid}-title {chart.uid}-desc"' in svg and 'role="img"' in svg
    # Coordinates use a decimal point even in Italian, where numbers shown use a comma.
    assert not re.search(r'(x|y|width|height)="[0-9]+,[0-9]', svg)
    assert "1.234,5" in html and '<details class="chart-data" open>' in html
