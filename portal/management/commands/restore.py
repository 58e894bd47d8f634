"""``manage.py restore ARCHIVE``: the database and the media from a backup (see ``portal.backups``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the configured database and MEDIA_ROOT from an archive of `manage.py backup`, after checking "
        "its checksums. Refuses a database with tables, or media files already there, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what the database and MEDIA_ROOT hold now.",
        )

    def handle(self, *args, archive: Path, force: bool, **options):
        try:
            manifest = restore_backup(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["row_counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {archive} (made {manifest['created_at']}): {len(tables)} tables, "
                f"{sum(tables.values())} rows, {manifest['media']['count']} media files; checksums verified."
            )
        )
