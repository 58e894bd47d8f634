"""The read-only metrics API: bearer tokens only, exact figures, errors as
JSON, a rate limit per token owner, no session and no writes."""

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from portal.accounts.roles import Role
from portal.metrics.models import DailyPageViews, DailyTraffic, PageKind
from portal.metrics.tokens import create_token, revoke_token

pytestmark = pytest.mark.django_db

URL = "/metrics/api/v1/figures"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def token(administrator):
    _, raw = create_token(user=administrator, name="Regione Lombardia dashboard")
    return raw


def call(client: Client, token: str | None, query: str = "", method: str = "get"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return getattr(client, method)(URL + (f"?{query}" if query else ""), headers=headers)


def test_url_name():
    assert reverse("metrics:api") == URL


def test_no_token_401(anonymous_client):
    response = call(anonymous_client, None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert response.json()["error"] == "invalid_token"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("header", ["Bearer ctcc_nottherighttoken", "Basic YWRtaW46YWRtaW4=", "Bearer", "ctcc_x"])
def test_bad_token_401(anonymous_client, token, header):
    response = anonymous_client.get(URL, headers={"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'


def test_revoked_token_401(anonymous_client, administrator):
    stored, raw = create_token(user=administrator, name="old")
    revoke_token(token=stored, user=administrator)
    assert call(anonymous_client, raw).status_code == 401


def test_token_of_someone_no_longer_administrator_401(anonymous_client, administrator, token):
    administrator.role = Role.STAFF
    administrator.save(update_fields=["role"])
    assert call(anonymous_client, token).status_code == 401


def test_session_of_an_administrator_without_token_401(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 401


def test_post_405(anonymous_client, token):
    response = call(anonymous_client, token, method="post")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_valid_token_returns_the_figures(anonymous_client, token):
    DailyTraffic.objects.create(day=date(2025, 3, 1), views=120, visitors=45)
    DailyTraffic.objects.create(day=date(2025, 2, 27), views=100, visitors=40)
    DailyPageViews.objects.create(day=date(2025, 3, 2), kind=PageKind.GUIDELINE_PDF, views=2, visitors=2)

    response = call(anonymous_client, token, "start=2025-03-01&end=2025-03-03")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    document = response.json()
    assert document["period"] == {"start": "2025-03-01", "end": "2025-03-03", "days": 3}
    assert document["previous_period"] == {"start": "2025-02-26", "end": "2025-02-28", "days": 3}
    values = {key: (figure["value"], figure["previous"]) for key, figure in document["figures"].items()}
    assert values == {
        "visits": (120, 100),
        "visitors": (45, 40),
        "questions_asked": (0, 0),
        "questions_answered": (0, 0),
        "questions_accepted": (0, 0),
        "first_answer_median_hours": (None, None),
        "first_answer_p90_hours": (None, None),
        "introductions_requested": (0, 0),
        "introductions_answered": (0, 0),
        "trials_facilitated": (0, 0),
        "guideline_views": (0, 0),
        "guideline_downloads": (2, 0),
    }
    assert document["figures"]["visits"]["change_percent"] == 20.0
    assert document["tables"]["daily"]["rows"][0]["views"] == 120


def test_default_period_is_the_last_30_days(anonymous_client, token):
    document = call(anonymous_client, token).json()
    today = timezone.localdate()
    assert document["period"] == {
        "start": (today - timedelta(days=29)).isoformat(),
        "end": today.isoformat(),
        "days": 30,
    }


@pytest.mark.parametrize(
    "query", ["start=2025-03-10&end=2025-03-01", "start=yesterday&end=2025-03-01", "start=2025-03-01", "end=2999-01-01"]
)
def test_bad_dates_400(anonymous_client, token, query):
    response = call(anonymous_client, token, query)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_period"
    assert response.json()["detail"]


def test_rate_limit_per_token_owner_429(anonymous_client, token, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "metrics_api": "3/m/user"}
    for _ in range(3):
        assert call(anonymous_client, token).status_code == 200
    response = call(anonymous_client, token)
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert response["Retry-After"] == "60"


def test_the_document_is_json_serialisable_with_every_section(anonymous_client, token):
    document = call(anonymous_client, token, "start=2025-01-01&end=2025-06-30").json()
    assert json.loads(json.dumps(document)) == document
    assert set(document) == {"period", "previous_period", "generated_at", "figures", "tables"}
    assert len(document["tables"]["daily"]["rows"]) == 181
