"""The metrics dashboard and its downloads: who may see them, the choice of
period (presets, custom dates, errors in the form, never a 500), the exact
CSV and JSON, and a fixed number of queries whatever the data."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from experts.models import InvestigationStage, StageChange
from forum.models import Question
from portal.metrics.forms import six_months_back
from portal.metrics.models import DailyPageViews, DailyTraffic, PageKind
from tests.conftest import PERSONAS
from tests.factories import AnswerFactory, QuestionFactory
from tests.factories.introductions import FacilitatedInvestigationFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = PERSONAS
LOGIN = "login"
METRICS_200 = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 403, STAFF: 200, ADMIN: 200}
ROME = ZoneInfo("Europe/Rome")
RANGE = "start=2025-03-01&end=2025-03-03"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def staff_user(staff_user):
    staff_user.preferred_language = "en"
    staff_user.save(update_fields=["preferred_language"])
    return staff_user


@pytest.fixture
def administrator(administrator):
    administrator.preferred_language = "en"
    administrator.save(update_fields=["preferred_language"])
    return administrator


def assert_status(response, expected, url: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url.replace('?', '%3F').replace('&', '%26')}"
    else:
        assert response.status_code == expected


def ask(when: datetime, **fields) -> Question:
    question = QuestionFactory(**fields)
    Question.objects.filter(pk=question.pk).update(created_at=when)
    return question


def march_data() -> None:
    """1 to 3 March 2025 and the previous three days (26 to 28 February)."""
    DailyTraffic.objects.create(day=date(2025, 3, 1), views=120, visitors=45)
    DailyTraffic.objects.create(day=date(2025, 3, 3), views=30, visitors=12)
    DailyTraffic.objects.create(day=date(2025, 2, 27), views=100, visitors=40)
    DailyPageViews.objects.create(day=date(2025, 3, 2), kind=PageKind.GUIDELINE, views=8, visitors=5)
    DailyPageViews.objects.create(day=date(2025, 3, 2), kind=PageKind.GUIDELINE_PDF, views=2, visitors=2)
    ask(datetime(2025, 3, 1, 10, tzinfo=ROME))
    ask(datetime(2025, 3, 3, 10, tzinfo=ROME), confidential=True)
    ask(datetime(2025, 2, 28, 10, tzinfo=ROME))
    investigation = FacilitatedInvestigationFactory(first_stage=date(2025, 2, 1))
    StageChange.objects.create(investigation=investigation, stage=InvestigationStage.SUBMITTED, on=date(2025, 3, 2))
    type(investigation).objects.filter(pk=investigation.pk).update(
        stage=InvestigationStage.SUBMITTED, submitted_on=date(2025, 3, 2)
    )


# Access


@pytest.mark.parametrize(("persona", "expected"), list(METRICS_200.items()))
def test_dashboard_access(persona, expected, request):
    client = request.getfixturevalue(persona)
    url = reverse("metrics:dashboard")
    assert_status(client.get(url), expected, url)


@pytest.mark.parametrize(("persona", "expected"), list(METRICS_200.items()))
def test_export_access(persona, expected, request):
    client = request.getfixturevalue(persona)
    url = reverse("metrics:export", args=["daily", "csv"]) + "?" + RANGE
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('account_login')}?next=")
    else:
        assert response.status_code == expected


def test_dashboard_refuses_post(staff_client):
    assert staff_client.post(reverse("metrics:dashboard")).status_code == 405


# The page


def test_dashboard_shows_headlines_with_the_change_in_words(staff_client):
    march_data()
    response = staff_client.get(reverse("metrics:dashboard") + "?range=custom&" + RANGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 March 2025 – 3 March 2025 (3 days)" in page
    data = response.context["data"]
    assert data.figures["visits"].value == 150
    assert data.figures["visits"].previous == 100
    assert data.figures["questions_asked"].value == 2
    assert data.figures["trials_facilitated"].value == 1
    assert "Up 50% on the previous period (100)." in page  # visits
    assert "Up 100% on the previous period (1)." in page  # questions
    assert "Up from 0 in the previous period." in page  # trials facilitated
    assert "How this is counted" in page
    assert data.figures["visitors"].definition in page
    # Downloads for the chosen range, the reports and (staff) no tokens link.
    escaped = RANGE.replace("&", "&amp;")
    assert reverse("metrics:export", args=["daily", "csv"]) + "?" + escaped in page
    assert reverse("metrics:export", args=["all", "json"]) + "?" + escaped in page
    assert reverse("metrics:reports") in page
    assert reverse("metrics:tokens") not in page


def test_dashboard_links_administrators_to_their_tokens(admin_client):
    page = admin_client.get(reverse("metrics:dashboard")).content.decode()
    assert reverse("metrics:tokens") in page


def test_dashboard_defaults_to_the_last_30_days(staff_client):
    response = staff_client.get(reverse("metrics:dashboard"))
    today = timezone.localdate()
    period = response.context["period"]
    assert (period.start, period.end) == (today - timedelta(days=29), today)


def test_dashboard_preset_last_six_months(staff_client):
    response = staff_client.get(reverse("metrics:dashboard") + "?range=6m")
    today = timezone.localdate()
    period = response.context["period"]
    assert (period.start, period.end) == (six_months_back(today), today)


def test_six_months_back():
    assert six_months_back(date(2026, 6, 30)) == date(2026, 1, 1)
    assert six_months_back(date(2026, 8, 30)) == date(2026, 2, 28)
    assert six_months_back(date(2026, 3, 15)) == date(2025, 9, 16)


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("range=custom&start=2025-03-10&end=2025-03-01", "The last day cannot be before the first day."),
        ("range=custom&start=2025-03-10&end=2999-01-01", "The period cannot end in the future."),
        ("range=custom&start=2019-01-01&end=2025-03-01", "Choose a period of at most three years."),
        ("range=custom&start=2025-13-01&end=2025-03-01", "Enter a valid date."),
        ("range=custom&start=&end=2025-03-01", "Enter the first day of the period."),
        ("range=nonsense", "Select a valid choice."),
    ],
)
def test_dashboard_invalid_range_is_a_form_error(staff_client, query, error):
    response = staff_client.get(reverse("metrics:dashboard") + "?" + query)
    assert response.status_code == 200
    assert error in response.content.decode()
    # The page still shows the last 30 days.
    assert response.context["period"].end == timezone.localdate()


def test_dashboard_errors_in_italian(staff_user, client_for):
    staff_user.preferred_language = "it"
    staff_user.save(update_fields=["preferred_language"])
    with translation.override("it"):
        response = client_for(staff_user).get(
            reverse("metrics:dashboard") + "?range=custom&start=2025-13-01&end=2025-03-01"
        )
    assert response.status_code == 200
    assert "Inserisci una data valida." in response.content.decode()


# Downloads


def test_daily_csv_exact(staff_client):
    march_data()
    response = staff_client.get(reverse("metrics:export", args=["daily", "csv"]) + "?" + RANGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ctcc-daily-2025-03-01-2025-03-03.csv"'
    assert response.content.decode("utf-8") == (
        "\ufeffday;views;visitors;questions_asked;questions_answered;questions_accepted;"
        "guideline_views;guideline_downloads\r\n"
        "2025-03-01;120;45;1;0;0;0;0\r\n"
        "2025-03-02;0;0;0;0;0;8;2\r\n"
        "2025-03-03;30;12;1;0;0;0;0\r\n"
    )


def test_stages_csv_exact(staff_client):
    march_data()
    response = staff_client.get(reverse("metrics:export", args=["stages", "csv"]) + "?" + RANGE)
    assert response.content.decode("utf-8") == (
        "\ufeffstage;investigations\r\n"
        "Feasibility;0\r\n"
        "Clinical investigation plan;0\r\n"
        "Submitted to the ethics committee and the competent authority;1\r\n"
        "Approved;0\r\n"
        "First subject enrolled;0\r\n"
        "Completed;0\r\n"
        "Stopped;0\r\n"
    )


def test_figures_csv_has_every_figure_with_previous_and_change(staff_client):
    march_data()
    response = staff_client.get(reverse("metrics:export", args=["figures", "csv"]) + "?" + RANGE)
    lines = response.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0] == "key;label;value;previous;change;change_percent;unit;definition"
    assert lines[1].startswith("visits;Visits (page views);150;100;50;50.0;page views;")
    assert lines[6].startswith("first_answer_median_hours;Time to first answer (median);;;;;working hours;")
    assert len(lines) == 13


def test_daily_json_exact(staff_client):
    march_data()
    response = staff_client.get(reverse("metrics:export", args=["daily", "json"]) + "?" + RANGE)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="ctcc-daily-2025-03-01-2025-03-03.json"'
    assert json.loads(response.content) == {
        "period": {"start": "2025-03-01", "end": "2025-03-03", "days": 3},
        "previous_period": {"start": "2025-02-26", "end": "2025-02-28", "days": 3},
        "metric": "daily",
        "rows": [
            {
                "day": "2025-03-01",
                "views": 120,
                "visitors": 45,
                "questions_asked": 1,
                "questions_answered": 0,
                "questions_accepted": 0,
                "guideline_views": 0,
                "guideline_downloads": 0,
            },
            {
                "day": "2025-03-02",
                "views": 0,
                "visitors": 0,
                "questions_asked": 0,
                "questions_answered": 0,
                "questions_accepted": 0,
                "guideline_views": 8,
                "guideline_downloads": 2,
            },
            {
                "day": "2025-03-03",
                "views": 30,
                "visitors": 12,
                "questions_asked": 1,
                "questions_answered": 0,
                "questions_accepted": 0,
                "guideline_views": 0,
                "guideline_downloads": 0,
            },
        ],
    }


def test_all_figures_json(staff_client):
    march_data()
    response = staff_client.get(reverse("metrics:export", args=["all", "json"]) + "?" + RANGE)
    document = json.loads(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="ctcc-all-2025-03-01-2025-03-03.json"'
    assert document["figures"]["questions_asked"] | {"definition": ""} == {
        "label": "Questions asked",
        "value": 2,
        "previous": 1,
        "change": 1,
        "change_percent": 100.0,
        "unit": "questions",
        "definition": "",
    }
    assert set(document["tables"]) == {
        "daily",
        "top_topics",
        "experts_activity",
        "investigations_by_stage",
        "survey_response_rates",
    }


@pytest.mark.parametrize("path", [("all", "csv"), ("nothing", "json"), ("daily", "xlsx")])
def test_export_unknown_metric_or_format_404(staff_client, path):
    assert staff_client.get(reverse("metrics:export", args=path)).status_code == 404


def test_export_bad_dates_400(staff_client):
    response = staff_client.get(reverse("metrics:export", args=["daily", "csv"]) + "?start=2025-03-10&end=2025-03-01")
    assert response.status_code == 400
    assert response.content.decode() == "The last day cannot be before the first day."


# Queries


def _many(n: int) -> None:
    for i in range(n):
        day = date(2025, 3, 1 + i % 3)
        DailyTraffic.objects.update_or_create(day=day, defaults={"views": 10 + i, "visitors": 3})
        question = ask(datetime(2025, 3, 1 + i % 3, 9, tzinfo=ROME), confidential=bool(i % 2))
        AnswerFactory(question=question)
        FacilitatedInvestigationFactory(first_stage=date(2025, 2, 1))


@pytest.mark.parametrize("rows", [1, 10])
def test_dashboard_queries_do_not_grow(staff_client, rows, django_assert_max_num_queries):
    _many(rows)
    # The session and the user, 13 for the figures, room for the surveys' response rates.
    with django_assert_max_num_queries(22):
        response = staff_client.get(reverse("metrics:dashboard") + "?range=custom&" + RANGE)
    assert response.context["data"].figures["questions_asked"].value == rows
