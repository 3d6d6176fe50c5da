"""`manage.py export_city SLUG FILE`: every row of a city's schema in one .tar.gz archive."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from kernel.errors import ApplicationError

from tenants.portability import city_export
from tenants.selectors import city_get_by_slug


class Command(BaseCommand):
    help = "Export a city (every table of its schema, its City/Domain rows, a media manifest)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="The city's slug, e.g. grigny.")
        parser.add_argument("file", help="Archive to write, e.g. grigny.tar.gz.")

    def handle(self, *args, slug: str, file: str, **options) -> None:
        try:
            manifest = city_export(city=city_get_by_slug(slug=slug), path=file)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {slug}: {len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['media'])} media files referenced → {file}"
            )
        )
