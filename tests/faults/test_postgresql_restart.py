"""PostgreSQL restarted under a running web server: the server's persistent
connections are found broken and replaced (CONN_HEALTH_CHECKS), with no
restart of the server, and what was committed before is still there."""

import os
import shutil
import subprocess

import pytest
from django.db import connection
from django.urls import reverse

from forum.models import Comment
from tests.factories.forum import QuestionFactory
from tests.faults.stack import Browser


def restart_command() -> list[str]:
    """Restart the cluster the tests use (Debian's pg_ctlcluster, as root)."""
    if os.geteuid() != 0 or not shutil.which("pg_lsclusters"):
        pytest.skip("restarting PostgreSQL needs root and Debian's pg_ctlcluster")
    port = str(connection.settings_dict["PORT"] or 5432)
    command = [shutil.which("pg_lsclusters"), "--no-header"]
    listing = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    for version, name, cluster_port, *_ in (line.split() for line in listing.splitlines()):
        if cluster_port == port:
            return ["pg_ctlcluster", version, name, "restart"]
    pytest.skip(f"no local PostgreSQL cluster on port {port}")


def test_the_web_server_recovers_from_a_postgresql_restart_and_loses_no_committed_write(stack):
    restart = restart_command()
    question = QuestionFactory()
    stack.start_redis()
    stack.start_web()
    browser = Browser(stack.base)
    browser.sign_in_as(question.author)
    page = question.get_absolute_url()
    # Both threads of the server hold a connection (DB_CONN_MAX_AGE, 60 s by default).
    assert [browser.get(page).status for _ in range(4)] == [200] * 4
    before = browser.post(reverse("forum:comment", args=[question.pk]), {"body": "Prima del riavvio."})
    assert before.status == 200 and before.url.endswith(page)

    connection.close()
    subprocess.run(restart, check=True, capture_output=True)  # noqa: S603 (the test's own command)

    # Every request after the restart is served: no 500, no restart of the server.
    assert [browser.get(page).status for _ in range(6)] == [200] * 6
    after = browser.post(reverse("forum:comment", args=[question.pk]), {"body": "Dopo il riavvio."})
    assert after.status == 200
    assert list(Comment.objects.filter(question=question).order_by("pk").values_list("body", flat=True)) == [
        "Prima del riavvio.",
        "Dopo il riavvio.",
    ]
    assert "Dopo il riavvio." in browser.get(page).body
