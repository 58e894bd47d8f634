"""The PDF of a six-month report: rendered by WeasyPrint from
``templates/metrics/pdf/report.html`` and ``static/css/report-print.css``,
exactly as the guidelines' PDF is (``guidelines.pdf``): the renderer reads
nothing but the portal's static files, through the same fetcher.

The figures, charts and tables are the dashboard's (``selectors.overview``),
the survey results the surveys' own (``portal.surveys.selectors``); the
report only lays them out, in the report's language.
"""

from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from weasyprint import HTML

from guidelines.pdf import PDF_OPTIONS, StaticFilesFetcher, page_of_pages, static_base_url
from portal.metrics import selectors
from portal.metrics.models import Report
from portal.metrics.periods import Period
from portal.surveys import selectors as surveys

TEMPLATE = "metrics/pdf/report.html"
STYLESHEET = "css/report-print.css"

# WeasyPrint draws an SVG with the styles inside it only: the charts' colours
# (as static/css/portal.css gives them to the dashboard) go into each chart.
CHART_SVG_STYLE = mark_safe(  # a constant of ours, no input  # nosec B308
    ".chart-bar{fill:#0066cc}"
    ".chart-previous{fill:none;stroke:#a66300;stroke-width:2;stroke-dasharray:4 3}"
    ".chart-grid{stroke:#d9dadb;stroke-width:1}"
    ".chart-label,.chart-value{font-size:13px;fill:#1a1a1a;font-family:Titillium Web,sans-serif}"
    ".chart-axis{font-size:11px;fill:#5c6f82;font-family:Titillium Web,sans-serif}"
)

# The review's headline figures, in this order.
HEADLINE = ("visits", "questions_asked", "trials_facilitated")
TIME_TO_ANSWER = ("first_answer_median_hours", "first_answer_p90_hours")
# Free-text answers printed per survey question; the report says how many more there are.
SURVEY_TEXTS = 20


@dataclass(frozen=True)
class FigureRow:
    """A figure as the report prints it: every number already formatted."""

    label: str
    value: str
    previous: str
    change: str
    change_percent: str
    unit: str
    definition: str
    direction: str  # "up", "down" or "same": a class for the change's colour


def _number(value, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _signed(value, decimals: int = 0, suffix: str = "") -> str:
    if value is None:
        return "–"
    shown = _number(abs(value), decimals)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{shown}{suffix}"


def figure_row(figure) -> FigureRow:
    change = figure.change
    decimals = getattr(figure, "decimals", 0)
    return FigureRow(
        label=str(figure.label),
        value=_number(figure.value, decimals),
        previous=_number(figure.previous, decimals),
        change=_signed(change, decimals),
        change_percent=_signed(figure.change_percent, 1, " %"),
        unit=str(figure.unit or ""),
        definition=str(figure.definition or ""),
        direction="same" if not change else "up" if change > 0 else "down",
    )


def survey_sections(period: Period) -> list:
    """The results of the surveys with responses in ``period`` (``portal.surveys.selectors``)."""
    return [
        surveys.survey_results(survey, texts_limit=SURVEY_TEXTS)
        for survey in surveys.surveys_for_report(start=period.start, end=period.end)
    ]


def report_context(report: Report, *, overview=None, surveys=None) -> dict:
    """What the template shows, in the active language. ``overview`` and
    ``surveys`` are read from the selectors unless given."""
    period = Period(start=report.period_start, end=report.period_end)
    if overview is None:
        overview = selectors.overview(period)
    if surveys is None:
        surveys = survey_sections(period)
    figures = overview.figures
    return {
        "report": report,
        "language": report.language,
        "period": period,
        "period_label": period.label(),
        "previous_label": overview.previous.label(),
        "produced_on": timezone.localdate(),
        "headline": [figure_row(figures[key]) for key in HEADLINE if key in figures],
        "time_to_answer": [figure_row(figures[key]) for key in TIME_TO_ANSWER if key in figures],
        "charts": list(overview.charts.values()),
        "top_topics": overview.tables.get("top_topics"),
        "surveys": surveys,
        "methods": [figure_row(figure) for figure in figures.values()],
        "stylesheet_url": urljoin(static_base_url(), STYLESHEET),
        "page_of_pages": page_of_pages(),
        "chart_svg_style": CHART_SVG_STYLE,
    }


def render_html(report: Report, **given) -> str:
    """The HTML the PDF is rendered from, in the report's language (which must be active)."""
    return render_to_string(TEMPLATE, report_context(report, **given))


def render_pdf(report: Report, **given) -> tuple[bytes, int]:
    """The PDF of ``report`` and its number of pages."""
    with translation.override(report.language):
        html = render_html(report, **given)
    document = HTML(string=html, base_url=f"{settings.SITE_URL}/", url_fetcher=StaticFilesFetcher()).render(
        **PDF_OPTIONS
    )
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)
