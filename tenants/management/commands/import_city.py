"""`manage.py import_city FILE --slug NEW [--name NAME]`: restore an export into a new city."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from kernel.errors import ApplicationError

from tenants.portability import city_import


class Command(BaseCommand):
    help = "Restore an export_city archive into a new city (schema from the template)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Archive written by export_city.")
        parser.add_argument("--slug", required=True, help="Slug of the new city.")
        parser.add_argument("--name", help="Display name of the new city (default: the source's).")

    def handle(self, *args, file: str, slug: str, name: str | None, **options) -> None:
        try:
            city = city_import(path=file, slug=slug, name=name)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {city.name} ({city.slug}): {city.url}"))
