"""Persona fixtures: each a user and a test client signed in as that user.

Experts, staff and administrators have MFA enabled, as their role requires,
so the personas reach their areas; tests of the MFA rule make users without it.
"""

import os

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import settings as hypothesis_settings

from portal.accounts.roles import Role
from tests.factories import OrganisationFactory, UserFactory

# CI draws the same examples on every run (HYPOTHESIS_PROFILE=ci in .ci/run), so
# that a red build always means a change broke something; runs elsewhere explore.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters must not leak from one test into the next.
    cache.clear()
    yield
    cache.clear()


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Brianza Medical Devices S.r.l.")


@pytest.fixture
def member(organisation):
    return UserFactory(role=Role.MEMBER, organisation=organisation, full_name="Giulia Ferrari")


@pytest.fixture
def other_member(db):
    return UserFactory(role=Role.MEMBER, organisation=OrganisationFactory(name="NeuroPasso S.r.l."))


@pytest.fixture
def expert(db):
    return UserFactory(role=Role.EXPERT, with_mfa=True, full_name="Elena Bianchi")


@pytest.fixture
def staff_user(db):
    return UserFactory(role=Role.STAFF, with_mfa=True, full_name="Luca Rossi")


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR, with_mfa=True, full_name="Sara Galli")


@pytest.fixture
def anonymous_client(db):
    return Client()


@pytest.fixture
def member_client(member):
    return _client_for(member)


@pytest.fixture
def other_member_client(other_member):
    return _client_for(other_member)


@pytest.fixture
def expert_client(expert):
    return _client_for(expert)


@pytest.fixture
def staff_client(staff_user):
    return _client_for(staff_user)


@pytest.fixture
def admin_client(administrator):
    return _client_for(administrator)


@pytest.fixture
def client_for():
    """Sign in any user: ``client_for(user)``."""
    return _client_for


PERSONAS = ["anonymous_client", "member_client", "other_member_client", "expert_client", "staff_client", "admin_client"]


@pytest.fixture(autouse=True)
def _page_cache(settings):
    # Off in unit tests: their rows are never committed, so nothing would make
    # a cached page stale. Browser journeys commit, and keep it on.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _queued_email(settings):
    # Django's test set-up makes every mailer locmem; put the queueing one
    # back, so tests see emails leave through the Celery task as in production.
    settings.MAILERS = {**settings.MAILERS, "default": {"BACKEND": "portal.mail.QueuedEmailBackend"}}
