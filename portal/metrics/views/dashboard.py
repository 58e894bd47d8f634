"""The metrics dashboard and its downloads: staff and administrators only."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from portal.accounts.permissions import capability_required
from portal.accounts.roles import Capability, user_can
from portal.metrics import exports
from portal.metrics.forms import PeriodForm, period_errors, period_from_query
from portal.metrics.selectors import HEADLINE_KEYS, overview
from portal.pagecache import CONTENT, TRAFFIC, cached_page

may_view_metrics = capability_required(Capability.VIEW_METRICS)

# The sections of the page: (figures shown, chart, table without a chart, download).
SECTIONS = (
    ("visits", ("visits", "visitors"), "visits", None, "daily"),
    (
        "questions",
        (
            "questions_asked",
            "questions_answered",
            "questions_accepted",
            "first_answer_median_hours",
            "first_answer_p90_hours",
        ),
        "questions",
        None,
        "daily",
    ),
    ("topics", (), "questions_by_topic", None, "topics"),
    ("experts", (), "experts_activity", "experts_activity", "experts"),
    (
        "network",
        ("introductions_requested", "introductions_answered", "trials_facilitated"),
        "investigations_by_stage",
        None,
        "stages",
    ),
    ("guidelines", ("guideline_views", "guideline_downloads"), None, None, "daily"),
    ("surveys", (), None, "survey_response_rates", "surveys"),
)


@require_safe
@may_view_metrics
@cached_page(scopes=(CONTENT, TRAFFIC))
def dashboard(request):
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    period = form.period
    data = overview(period)
    sections = [
        {
            "key": key,
            "figures": [data.figures[name] for name in figure_keys],
            "chart": data.charts[chart] if chart else None,
            "table": data.tables[table] if table else None,
            "download": download,
        }
        for key, figure_keys, chart, table, download in SECTIONS
    ]
    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    return render(
        request,
        "metrics/dashboard.html",
        {
            "form": form,
            "data": data,
            "period": period,
            "headline": [data.figures[key] for key in HEADLINE_KEYS],
            "sections": sections,
            "query": query,
            "may_hold_tokens": user_can(request.user, Capability.USE_ADMIN_SITE),
        },
        status=200,
    )


@require_safe
@may_view_metrics
def export(request, metric: str, extension: str):
    """One metric (or, as JSON, all of them) for ``?start=&end=``, from the same selectors as the page."""
    if (
        metric not in (*exports.METRICS, "all")
        or extension not in ("csv", "json")
        or (metric == "all" and extension == "csv")
    ):
        raise Http404
    period = period_from_query(request.GET)
    if period is None:
        return HttpResponse("\n".join(period_errors(request.GET)), status=400, content_type="text/plain; charset=utf-8")
    data = overview(period)
    if extension == "csv":
        response = HttpResponse(exports.metric_csv(data, metric), content_type=exports.CSV_CONTENT_TYPE)
    else:
        document = exports.document_for(data) if metric == "all" else exports.metric_document(data, metric)
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2), content_type=exports.JSON_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(metric, period, extension)}"'
    response["Cache-Control"] = "private, no-store"
    return response
