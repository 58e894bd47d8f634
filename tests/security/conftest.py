import pytest
from django.db import transaction

from tests.security.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One of everything a URL can name (``build_world``), for the whole module:
    built inside a transaction rolled back at its end; each test runs in a
    transaction of its own inside it, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
