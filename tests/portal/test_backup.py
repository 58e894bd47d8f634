"""Backups: a restore round trip loses nothing.

Each round trip builds a scratch database the way an installation does (a
fresh database, ``migrate``, data made with the factories and committed: the
test database's own rows sit in a transaction pg_dump cannot see), runs
``manage.py backup``, restores the archive with ``manage.py restore`` into
another fresh database and media folder, and compares every table (row count
and a checksum of its rows), the sequences, the triggers and every media file
byte for byte. The commands run in subprocesses, as ``make backup`` runs them.
"""

import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings

from portal import backups

ROOT = Path(settings.BASE_DIR)
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# Made in a subprocess on the scratch database: something in every part of the
# portal, committed, with uploaded files (one with a non-ASCII name) in MEDIA_ROOT.
FILL = r"""
import django
django.setup()
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
call_command("migrate", verbosity=0)

from portal.accounts.roles import Role
from portal.metrics import tokens
from forum import services as forum_services
from forum.models import Question
from tests.factories import (
    AnswerFactory, ClinicalPopulationFactory, ClinicContactFactory, ClinicFactory, CommentFactory,
    DepartmentFactory, ExpertFactory, FAQEntryFactory, OrganisationFactory, QuestionFactory, UserFactory,
)
from tests.factories.forum import add_pdf
from tests.factories.guidelines import published_version
from tests.factories.introductions import IntroductionFactory
from tests.factories.surveys import QuestionFactory as SurveyQuestionFactory, SurveyFactory

organisation = OrganisationFactory(name="Brianza Medical Devices S.r.l.")
member = UserFactory(role=Role.MEMBER, organisation=organisation, full_name="Giulia Ferrari")
staff = UserFactory(role=Role.STAFF, full_name="Luca Rossi")
administrator = UserFactory(role=Role.ADMINISTRATOR, full_name="Sara Galli")
expert = ExpertFactory(full_name="Elena Bianchi")
for n in range(3):
    question = QuestionFactory(author=member, title=f"Domanda {n}: serve un'indagine clinica?")
    AnswerFactory(question=question, author=expert)
    CommentFactory(question=question, author=member)
confidential = QuestionFactory(author=member, confidential=True, title="Protocollo riservato “ß”")
add_pdf(confidential, name="protocollo.pdf")
add_pdf(confidential, name="allegato tecnico città.pdf")
forum_services.close_question(question=question, staff=staff, reason=Question.CloseReason.RESOLVED)
FAQEntryFactory()
clinic = ClinicFactory(name="ASST Grande Ospedale Metropolitano Niguarda")
department = DepartmentFactory(clinic=clinic)
ClinicalPopulationFactory(clinic=clinic, department=department)
ClinicContactFactory(clinic=clinic, full_name="Anna Colombo")
IntroductionFactory(clinics=[clinic])
published_version(sections=5)
survey = SurveyFactory()
SurveyQuestionFactory(survey=survey)
tokens.create_token(user=administrator, name="Regional dashboard")
extra = Path(settings.MEDIA_ROOT) / "guidelines" / "linee-guida-1.0-it.pdf"
extra.parent.mkdir(parents=True, exist_ok=True)
extra.write_bytes(bytes(range(256)) * 64)
"""


def _environment(database_url: str, media_root: Path, var_dir: Path) -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_", "DATABASE_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        VAR_DIR=str(var_dir),
    )
    return environment


def _run(arguments: list[str], environment: dict[str, str], *, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603
        [sys.executable, *arguments], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def _media(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def _round_trip(tmp_path: Path, source_url: str, target_url: str) -> tuple[Path, dict, subprocess.CompletedProcess]:
    source_media, target_media = tmp_path / "media-source", tmp_path / "media-target"
    source = _environment(source_url, source_media, tmp_path / "var-source")
    target = _environment(target_url, target_media, tmp_path / "var-target")
    _run(["-c", FILL], source)
    made = _run(["manage.py", "backup", "--output-dir", str(tmp_path / "backups")], source)
    (archive,) = (tmp_path / "backups").glob("ctcc-*.tar.gz")
    assert str(archive) in made.stdout
    assert archive.stat().st_mode & 0o077 == 0  # personal data: the owner's only
    restored = _run(["manage.py", "restore", str(archive)], target)
    assert "checksums verified" in restored.stdout

    assert _media(target_media) == _media(source_media)
    assert len(_media(source_media)) == 3
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    return archive, manifest, _run(["manage.py", "restore", str(archive)], target, check=False)


# PostgreSQL


def _pg_connect(name: str):
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"], dbname=name, autocommit=True
    )


def _pg_url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _pg_snapshot(name: str) -> dict:
    """Every table's row count and rows' checksum, the sequences, the triggers and extensions of database ``name``."""
    with _pg_connect(name) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        snapshot = {}
        for table in tables:
            rows = "md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
            snapshot[table] = connection.execute(f'SELECT count(*), {rows} FROM "{table}" t').fetchone()  # noqa: S608
        snapshot["__sequences__"] = connection.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        snapshot["__triggers__"] = connection.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2"
        ).fetchall()
        snapshot["__extensions__"] = connection.execute("SELECT extname FROM pg_extension ORDER BY 1").fetchall()
    return snapshot


@pytest.fixture
def scratch_databases():
    names = [f"ctcc_backup_test_{secrets.token_hex(4)}" for _ in range(2)]
    with _pg_connect("postgres") as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    yield names
    with _pg_connect("postgres") as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_dump needs PostgreSQL: set DATABASE_URL (the SQLite variant runs)")
def test_postgresql_backup_and_restore_lose_nothing(tmp_path, scratch_databases):
    source, target = scratch_databases
    _archive_path, manifest, again = _round_trip(tmp_path, _pg_url(source), _pg_url(target))

    before, after = _pg_snapshot(source), _pg_snapshot(target)
    assert after == before
    assert before["forum_question"][0] == 4  # the questions asked are really there
    assert before["audit_auditentry"][0] >= 2
    assert ("audit_auditentry", "audit_entry_append_only") in before["__triggers__"]
    assert manifest["engine"] == "postgresql"
    assert manifest["database"]["row_counts"]["forum_question"] == before["forum_question"][0]
    assert manifest["media"]["count"] == 3
    # A second restore into the now full database is refused, and changes nothing.
    assert again.returncode != 0
    assert "is not empty" in again.stderr and "FORCE=1" in again.stderr
    assert _pg_snapshot(target) == before


# SQLite (the first run's default): runs everywhere


def _sqlite_snapshot(path: Path) -> dict:
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        snapshot = {}
        for table in tables:
            rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
            snapshot[table] = (len(rows), hashlib.md5("\n".join(rows).encode(), usedforsecurity=False).hexdigest())
        snapshot["__schema__"] = sorted(connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
        return snapshot
    finally:
        connection.close()


def test_sqlite_backup_and_restore_lose_nothing(tmp_path):
    source, target = tmp_path / "source.sqlite3", tmp_path / "target.sqlite3"
    _archive_path, manifest, again = _round_trip(tmp_path, f"sqlite:///{source}", f"sqlite:///{target}")

    before = _sqlite_snapshot(source)
    assert _sqlite_snapshot(target) == before
    assert before["forum_question"][0] == 4
    assert manifest["engine"] == "sqlite"
    assert manifest["database"]["row_counts"]["audit_auditentry"] == before["audit_auditentry"][0]
    assert again.returncode != 0
    assert "is not empty" in again.stderr


# The archive is checked before anything changes


def _archive(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "ctcc-test.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


def _manifest(database: bytes, media: dict[str, bytes]) -> bytes:
    def sha(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    return json.dumps(
        {
            "format": backups.FORMAT,
            "engine": "sqlite",
            "database": {"file": "database.sqlite3", "sha256": sha(database), "migrations": {}, "row_counts": {}},
            "media": {"count": len(media), "files": {name: {"sha256": sha(body)} for name, body in media.items()}},
        }
    ).encode()


def test_a_sound_archive_passes_the_checks(tmp_path):
    media = {"forum/a.pdf": b"%PDF-1.7 a"}
    path = _archive(
        tmp_path,
        {
            "manifest.json": _manifest(b"db", media),
            "database.sqlite3": b"db",
            "media/forum/a.pdf": media["forum/a.pdf"],
        },
    )
    assert backups._extract(path, tmp_path / "out")["media"]["count"] == 1


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"database.sqlite3": b"db"}, "no readable manifest.json"),
        ({"manifest.json": _manifest(b"db", {}), "database.sqlite3": b"tampered"}, "database file does not match"),
        (
            {"manifest.json": _manifest(b"db", {"a.pdf": b"x"}), "database.sqlite3": b"db", "media/a.pdf": b"y"},
            "media file a.pdf does not match",
        ),
        (
            {"manifest.json": _manifest(b"db", {}), "database.sqlite3": b"db", "media/smuggled.pdf": b"y"},
            "unlisted ['smuggled.pdf']",
        ),
        ({"manifest.json": _manifest(b"db", {}), "database.sqlite3": b"db", "../escape.txt": b"y"}, "not a readable"),
    ],
)
def test_a_damaged_or_hostile_archive_is_refused(tmp_path, members, message):
    path = _archive(tmp_path, members)
    with pytest.raises(backups.BackupError) as refused:
        backups._extract(path, tmp_path / "out")
    assert message in str(refused.value)
    assert not (tmp_path / "escape.txt").exists()


def test_restore_refuses_a_backup_of_another_engine(tmp_path, db, settings):
    path = _archive(tmp_path, {"manifest.json": _manifest(b"db", {}), "database.sqlite3": b"db"})
    vendor = "postgresql" if ON_POSTGRESQL else "sqlite"
    if vendor == "sqlite":
        manifest = json.loads(_manifest(b"db", {}))
        manifest["engine"] = "postgresql"
        path = _archive(tmp_path, {"manifest.json": json.dumps(manifest).encode(), "database.sqlite3": b"db"})
    with pytest.raises(backups.BackupError, match=r"configured database is (postgresql|sqlite)"):
        backups.restore_backup(path)


def test_restore_refuses_a_database_with_tables_without_force(tmp_path, db, settings):
    manifest = json.loads(_manifest(b"db", {}))
    manifest["engine"] = "postgresql" if ON_POSTGRESQL else "sqlite"
    path = _archive(tmp_path, {"manifest.json": json.dumps(manifest).encode(), "database.sqlite3": b"db"})
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(backups.BackupError, match="is not empty"):
        backups.restore_backup(path)


# Finding the PostgreSQL client


def test_pg_tools_are_found_or_named_clearly(monkeypatch, tmp_path):
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path))
    with pytest.raises(backups.BackupError, match="pg_dump is not in PG_BIN_DIR"):
        backups.find_pg_tool("pg_dump")
    tool = tmp_path / "pg_dump"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    assert backups.find_pg_tool("pg_dump") == str(tool)

    monkeypatch.delenv("PG_BIN_DIR")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    monkeypatch.setattr(backups.glob, "glob", lambda pattern: [])
    with pytest.raises(backups.BackupError, match="apt-get install postgresql-client"):
        backups.find_pg_tool("pg_restore")
    monkeypatch.setattr(
        backups.glob,
        "glob",
        lambda pattern: [
            p for p in ("/usr/lib/postgresql/13/bin/x", "/usr/lib/postgresql/16/bin/x") if "lib" in pattern
        ],
    )
    assert backups.find_pg_tool("x") == "/usr/lib/postgresql/16/bin/x"
