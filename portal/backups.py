"""Backups of the portal: the database and the uploaded media in one archive.

``make backup`` (``manage.py backup``) writes ``var/backups/ctcc-YYYYMMDD-HHMMSS.tar.gz``:

    manifest.json      when, the Django migrations applied, every table's row
                       count, and the size and SHA-256 of every other member
    database.dump      PostgreSQL: ``pg_dump --format=custom`` of DATABASE_URL's database
    database.sqlite3   SQLite (the first run): a copy made with SQLite's online backup API
    media/...          every file under MEDIA_ROOT (attachments, PDFs, reports)

On PostgreSQL the row counts are read in the very snapshot that ``pg_dump``
dumps (``pg_export_snapshot`` / ``--snapshot``), so the manifest describes
exactly what the dump holds even while the portal is in use.

``make restore BACKUP=path`` (``manage.py restore path``) checks every checksum
before touching anything, refuses to overwrite a database that has tables (or a
MEDIA_ROOT that has files) unless ``--force`` (``FORCE=1``), restores the
database in one transaction and the media, then checks the result against the
manifest: the migrations, every table's row count and every file's checksum.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3

# pg_dump and pg_restore run from argument lists, never through a shell.
import subprocess  # nosec B404
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_DIR = "media"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; its message says why and what to do."""


# Tools and settings


def find_pg_tool(name: str) -> str:
    """The path of ``pg_dump``, ``pg_restore`` (or another client program): in
    ``PG_BIN_DIR`` if set, else on PATH, else the newest ``/usr/lib/postgresql/*/bin``."""
    if bin_dir := os.environ.get("PG_BIN_DIR", "").strip():
        candidate = Path(bin_dir) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise BackupError(f"{name} is not in PG_BIN_DIR ({bin_dir}).")
    if found := shutil.which(name):
        return found
    installed = glob.glob(f"/usr/lib/postgresql/*/bin/{name}") + glob.glob(f"/usr/local/pgsql/bin/{name}")
    if installed:
        return max(installed, key=_major_version)
    raise BackupError(
        f"{name} was not found. Install the PostgreSQL client of the server's version "
        f"(Debian: apt-get install postgresql-client), or set PG_BIN_DIR to the folder that holds {name}."
    )


def _major_version(path: str) -> int:
    match = re.search(r"/postgresql/(\d+)/", path)
    return int(match.group(1)) if match else 0


def _vendor(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_arguments(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL client programs:
    the password goes in the environment, never on the command line."""
    db = settings.DATABASES[alias]
    arguments = []
    if db.get("HOST"):
        arguments += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        arguments += ["--port", str(db["PORT"])]
    if db.get("USER"):
        arguments += ["--username", str(db["USER"])]
    arguments += ["--dbname", str(db["NAME"])]
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    if sslmode := (db.get("OPTIONS") or {}).get("sslmode"):
        environment["PGSSLMODE"] = str(sslmode)
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {result.returncode}): {result.stderr.strip()}")


# Checksums and the state of a database


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> dict[str, Path]:
    """Every regular file under ``root`` by its POSIX path relative to it (symbolic links are not followed)."""
    if not root.is_dir():
        return {}
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[path.relative_to(root).as_posix()] = path
    return files


def _describe_media(root: Path) -> dict:
    files = _media_files(root)
    return {
        "count": len(files),
        "bytes": sum(path.stat().st_size for path in files.values()),
        "files": {name: {"size": path.stat().st_size, "sha256": sha256_of(path)} for name, path in files.items()},
    }


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _state(cursor, tables: list[str]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """The migrations applied (by app) and every table's row count, read with ``cursor``."""
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    counts = {}
    for table in sorted(tables):
        # Table names come from the catalogue, quoted.
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608  # nosec B608
        counts[table] = cursor.fetchone()[0]
    return migrations, counts


def _tables(cursor, alias: str) -> list[str]:
    """The tables ``cursor`` sees (Django's introspection for the alias's engine),
    without SQLite's own."""
    names = connections[alias].introspection.table_names(cursor)
    return [name for name in names if not name.startswith("sqlite_")]


def database_state(alias: str = "default") -> tuple[dict[str, list[str]], dict[str, int]]:
    """The configured database's migrations and row counts."""
    with connections[alias].cursor() as cursor:
        return _state(cursor, _tables(cursor, alias))


def database_tables(alias: str = "default") -> list[str]:
    with connections[alias].cursor() as cursor:
        return _tables(cursor, alias)


# Backing up


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict


def _dump_postgresql(target: Path, alias: str) -> tuple[dict, dict]:
    pg_dump = find_pg_tool("pg_dump")
    arguments, environment = _pg_arguments(alias)
    connection = connections[alias]
    # One snapshot for the counts and the dump: the manifest describes exactly what was dumped.
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        migrations, counts = _state(cursor, _tables(cursor, alias))
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--snapshot",
                snapshot,
                "--file",
                str(target),
                *arguments,
            ],
            environment,
        )
    return migrations, counts


def _sqlite_backup(source_path, target_path) -> None:
    """SQLite's online backup API: a consistent copy of the source even while
    others write to it, replacing the whole target under its lock."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _copy_sqlite(target: Path, alias: str) -> tuple[dict, dict]:
    _sqlite_backup(settings.DATABASES[alias]["NAME"], target)
    destination = sqlite3.connect(target)
    try:
        cursor = destination.cursor()
        return _state(cursor, _tables(cursor, alias))
    finally:
        destination.close()


def create_backup(output_dir: Path, *, alias: str = "default", now: datetime | None = None) -> BackupResult:
    """Write one archive of the database and MEDIA_ROOT into ``output_dir`` and return its path and manifest."""
    vendor = _vendor(alias)
    now = now or timezone.now()
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    final = output_dir / f"ctcc-{stamp}.tar.gz"
    if final.exists():
        raise BackupError(f"{final} exists already: wait a second, or choose another folder.")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="ctcc-backup-", dir=output_dir) as work:
        work_dir = Path(work)
        if vendor == "postgresql":
            database_file = work_dir / PG_DUMP_FILE
            migrations, counts = _dump_postgresql(database_file, alias)
        else:
            database_file = work_dir / SQLITE_FILE
            migrations, counts = _copy_sqlite(database_file, alias)
        media = _describe_media(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "django": django.get_version(),
            "engine": vendor,
            "database": {
                "file": database_file.name,
                "size": database_file.stat().st_size,
                "sha256": sha256_of(database_file),
                "migrations": migrations,
                "row_counts": counts,
            },
            "media": media,
        }
        (work_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial = work_dir / "archive.partial"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work_dir / MANIFEST, arcname=MANIFEST)
            archive.add(database_file, arcname=database_file.name)
            for name in media["files"]:
                archive.add(media_root / name, arcname=f"{MEDIA_DIR}/{name}", recursive=False)
        # Personal data: readable by the owner only. Renamed into place only when complete.
        partial.chmod(0o600)
        partial.replace(final)
    return BackupResult(path=final, manifest=manifest)


# Restoring


def _extract(archive_path: Path, into: Path) -> dict:
    """Unpack the archive (refusing any path outside ``into``) and check every checksum of its manifest."""
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file.")
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            archive.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive_path} is not a readable backup archive: {error}") from error
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{archive_path} has no readable {MANIFEST}.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    database = manifest["database"]
    database_file = into / database["file"]
    if database["file"] not in (PG_DUMP_FILE, SQLITE_FILE) or not database_file.is_file():
        raise BackupError("The archive has no database file.")
    if sha256_of(database_file) != database["sha256"]:
        raise BackupError("The database file does not match its checksum: the archive is damaged.")
    media = _media_files(into / MEDIA_DIR)
    expected = manifest["media"]["files"]
    if set(media) != set(expected):
        missing, extra = sorted(set(expected) - set(media)), sorted(set(media) - set(expected))
        raise BackupError(f"The archive's media files differ from its manifest (missing {missing}, unlisted {extra}).")
    for name, path in media.items():
        if sha256_of(path) != expected[name]["sha256"]:
            raise BackupError(f"The media file {name} does not match its checksum: the archive is damaged.")
    return manifest


def _restore_postgresql(dump: Path, alias: str, *, force: bool) -> None:
    pg_restore = find_pg_tool("pg_restore")
    arguments, environment = _pg_arguments(alias)
    connections[alias].close()  # pg_restore drops tables: no open transaction of ours may hold them
    command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if force:
        command += ["--clean", "--if-exists"]
    _run([*command, *arguments, str(dump)], environment)


def _restore_sqlite(copy: Path, alias: str) -> None:
    target_path = settings.DATABASES[alias]["NAME"]
    connections[alias].close()
    Path(target_path).parent.mkdir(parents=True, exist_ok=True)
    _sqlite_backup(copy, target_path)


def _restore_media(source: Path, media_root: Path, files: dict, *, force: bool) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    if force:
        for name, path in _media_files(media_root).items():
            if name not in files:
                path.unlink()
    for name in files:
        destination = media_root / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, destination)


def restore_backup(archive_path: Path, *, force: bool = False, alias: str = "default") -> dict:
    """Restore the database and MEDIA_ROOT from ``archive_path``; return its manifest.

    Refuses a damaged archive before anything changes, and a database with
    tables or a MEDIA_ROOT with files unless ``force``. Checks the result
    against the manifest afterwards."""
    vendor = _vendor(alias)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="ctcc-restore-") as work:
        work_dir = Path(work)
        manifest = _extract(archive_path, work_dir)
        if manifest["engine"] != vendor:
            raise BackupError(
                f"This is a backup of a {manifest['engine']} database; the configured database is {vendor}."
            )
        if not force:
            tables = database_tables(alias)
            if tables:
                raise BackupError(
                    f"The database {settings.DATABASES[alias]['NAME']} is not empty ({len(tables)} tables). "
                    "Restoring replaces its content: run again with --force (make restore ... FORCE=1)."
                )
            if _media_files(media_root):
                raise BackupError(
                    f"{media_root} holds files already. Restoring replaces them: "
                    "run again with --force (make restore ... FORCE=1)."
                )
        database_file = work_dir / manifest["database"]["file"]
        if vendor == "postgresql":
            _restore_postgresql(database_file, alias, force=force)
        else:
            _restore_sqlite(database_file, alias)
        _restore_media(work_dir / MEDIA_DIR, media_root, manifest["media"]["files"], force=force)
    verify_restore(manifest, alias=alias)
    return manifest


def verify_restore(manifest: dict, *, alias: str = "default") -> None:
    """The configured database and MEDIA_ROOT hold what ``manifest`` describes (raises ``BackupError`` if not)."""
    migrations, counts = database_state(alias)
    if migrations != manifest["database"]["migrations"]:
        raise BackupError("After restoring, the applied migrations differ from the backup's.")
    expected_counts = manifest["database"]["row_counts"]
    differing = {
        table: (expected_counts.get(table), counts.get(table))
        for table in expected_counts
        if expected_counts[table] != counts.get(table)
    }
    if differing:
        raise BackupError(f"After restoring, row counts differ from the backup's (expected, found): {differing}")
    files = _media_files(Path(settings.MEDIA_ROOT))
    for name, described in manifest["media"]["files"].items():
        if name not in files or sha256_of(files[name]) != described["sha256"]:
            raise BackupError(f"After restoring, the media file {name} differs from the backup's.")
