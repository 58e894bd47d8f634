"""``manage.py backup``: the database and the media in one archive (see ``portal.backups``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write var/backups/ctcc-YYYYMMDD-HHMMSS.tar.gz: a pg_dump (custom format) of the PostgreSQL "
        "database, or a copy of the SQLite one, the files under MEDIA_ROOT and a manifest with checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Folder for the archive (default: var/backups under VAR_DIR).",
        )

    def handle(self, *args, output_dir: Path | None, **options):
        output_dir = output_dir or Path(settings.VAR_DIR) / "backups"
        try:
            result = create_backup(output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        media = result.manifest["media"]
        tables = result.manifest["database"]["row_counts"]
        self.stdout.write(
            f"{result.manifest['engine']} database: {len(tables)} tables, {sum(tables.values())} rows; "
            f"media: {media['count']} files, {media['bytes']} bytes."
        )
        self.stdout.write(self.style.SUCCESS(str(result.path)))
