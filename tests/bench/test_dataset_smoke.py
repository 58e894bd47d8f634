"""Smoke test of the benchmarks' data set generator (``bench/dataset.py``): a
tiny build into a throwaway PostgreSQL database has the known accounts and
some of everything. Skipped on SQLite (the generator loads with COPY)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not SERVER_URL.startswith(("postgres://", "postgresql://")), reason="the data set is for PostgreSQL"
)

KNOWN = {
    "bench-member@bench.example.org": "member",
    "bench-expert@bench.example.org": "expert",
    "bench-staff@bench.example.org": "staff",
    "bench-admin@bench.example.org": "administrator",
}


@pytest.fixture
def throwaway_url():
    import psycopg

    parts = urlsplit(SERVER_URL)
    name = f"ctcc_bench_smoke_{os.getpid()}"
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_tiny_build_has_known_accounts_and_some_of_everything(throwaway_url):
    import psycopg

    environment = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE",)}
    result = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "bench" / "dataset.py"), "--database-url", throwaway_url, "--scale", "0.002"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]

    with psycopg.connect(throwaway_url) as connection:
        users = dict(
            connection.execute(
                "SELECT u.email, u.role FROM accounts_user u JOIN account_emailaddress e "
                "ON e.user_id = u.id AND e.verified AND e.primary WHERE u.email LIKE 'bench-%%@bench.example.org'"
            ).fetchall()
        )
        assert users == KNOWN
        passwords = {row[0] for row in connection.execute("SELECT DISTINCT password FROM accounts_user")}
        assert len(passwords) == 1  # hashed once
        for table in (
            "accounts_organisation",
            "experts_expertprofile",
            "forum_question",
            "forum_answer",
            "forum_comment",
            "forum_assignment",
            "forum_faqentry",
            "experts_clinic",
            "experts_clinicalpopulation",
            "experts_introduction",
            "experts_facilitatedinvestigation",
            "metrics_dailytraffic",
            "surveys_response",
        ):
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table  # noqa: S608
        published = connection.execute("SELECT count(*) FROM guidelines_version WHERE status = 'published'")
        assert published.fetchone()[0] == 3
        open_and_answered = connection.execute(
            "SELECT count(*) FILTER (WHERE a.status = 'open'), count(*) FILTER (WHERE a.status = 'answered') "
            "FROM forum_assignment a JOIN accounts_user u ON u.id = a.expert_id WHERE u.email = %s",
            ["bench-expert@bench.example.org"],
        ).fetchone()
        assert min(open_and_answered) > 0
        confidential = connection.execute(
            "SELECT count(*) FROM forum_question q JOIN accounts_user u ON u.organisation_id = q.organisation_id "
            "WHERE u.email = %s AND q.visibility = 'confidential'",
            ["bench-member@bench.example.org"],
        ).fetchone()[0]
        assert confidential > 0
        # The counters agree with the rows, as the services keep them.
        mismatched = connection.execute(
            "SELECT count(*) FROM forum_question q WHERE q.answer_count <> (SELECT count(*) FROM forum_answer a "
            "WHERE a.question_id = q.id AND (a.kind = 'individual' OR a.board_published_at IS NOT NULL)) "
            "OR q.helpful_count <> (SELECT count(*) FROM forum_helpfulvote v JOIN forum_answer a ON a.id = v.answer_id "
            "WHERE a.question_id = q.id)"
        ).fetchone()[0]
        assert mismatched == 0
        searchable = connection.execute("SELECT count(*) FROM forum_question WHERE search_vector IS NULL").fetchone()
        assert searchable[0] == 0
