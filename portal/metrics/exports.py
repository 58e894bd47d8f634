"""The figures as downloads and as the API's document, read from the same
``selectors.overview`` as the dashboard.

JSON: one document with the period, every figure with its previous value,
change and definition, and every table as a list of objects keyed by column.

CSV, one file per metric: UTF-8 with a byte-order mark, fields separated by
semicolons, a header row of machine names (the JSON keys), dates as
YYYY-MM-DD, numbers unformatted with a decimal point, empty for "no value".
Semicolons because Excel set to Italian splits on them (it reads commas as the
decimal separator) and the BOM so that it reads UTF-8; any CSV reader takes
both.
"""

import csv
import io
from datetime import date, datetime

from django.utils import timezone

from portal.metrics.periods import Period
from portal.metrics.selectors import Overview, overview

# The downloadable metrics: "figures" (every figure of the period) and the tables.
TABLE_EXPORTS = {
    "daily": "daily",
    "topics": "top_topics",
    "experts": "experts_activity",
    "stages": "investigations_by_stage",
    "surveys": "survey_response_rates",
}
METRICS = ("figures", *TABLE_EXPORTS)
CSV_DELIMITER = ";"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"

FIGURE_COLUMNS = ["key", "label", "value", "previous", "change", "change_percent", "unit", "definition"]


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    if value is None or isinstance(value, (int, bool)):
        return value
    return str(value)


def _period(period: Period) -> dict:
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "days": period.days}


def _figure_rows(data: Overview) -> list[list]:
    return [
        [f.key, f.label, f.value, f.previous, f.change, f.change_percent, f.unit, f.definition]
        for f in data.figures.values()
    ]


def document_for(data: Overview) -> dict:
    """The JSON document of an overview already computed."""
    return {
        "period": _period(data.period),
        "previous_period": _period(data.previous),
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "figures": {
            key: dict(zip(FIGURE_COLUMNS[1:], [_plain(v) for v in row[1:]], strict=True))
            for key, row in zip(data.figures, _figure_rows(data), strict=True)
        },
        "tables": {
            key: {
                "title": str(table.title),
                "columns": table.columns,
                "rows": [dict(zip(table.columns, map(_plain, row), strict=True)) for row in table.rows],
            }
            for key, table in data.tables.items()
        },
    }


def metrics_document(period: Period) -> dict:
    """Every figure of ``period`` with its previous value, and every table
    (the day-by-day series included): what the API and the JSON download return."""
    return document_for(overview(period))


def metric_rows(data: Overview, metric: str) -> tuple[list[str], list[list]]:
    """The columns and rows of one downloadable metric (``METRICS``)."""
    if metric == "figures":
        return FIGURE_COLUMNS, _figure_rows(data)
    table = data.tables[TABLE_EXPORTS[metric]]
    return table.columns, table.rows


def metric_document(data: Overview, metric: str) -> dict:
    """One metric as JSON: the period and its rows as objects."""
    columns, rows = metric_rows(data, metric)
    return {
        "period": _period(data.period),
        "previous_period": _period(data.previous),
        "metric": metric,
        "rows": [dict(zip(columns, map(_plain, row), strict=True)) for row in rows],
    }


def metric_csv(data: Overview, metric: str) -> str:
    """One metric as CSV text (the BOM included)."""
    columns, rows = metric_rows(data, metric)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else _csv_cell(_plain(value)) for value in row])
    return buffer.getvalue()


def _csv_cell(value):
    """Spreadsheets run text cells that start like a formula (an expert's name,
    a survey's title: people write them): make them text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def filename(metric: str, period: Period, extension: str) -> str:
    """E.g. ``ctcc-daily-2026-01-01-2026-06-30.csv``."""
    return f"ctcc-{metric}-{period.start.isoformat()}-{period.end.isoformat()}.{extension}"
