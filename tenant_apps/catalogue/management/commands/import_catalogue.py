"""python manage.py import_catalogue --city SLUG --format FORMAT PATH [--publish]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenant_apps.catalogue.importers.registry import IMPORTERS, run_importer
from tenants.crosscity import run_in_city
from tenants.models import City


class Command(BaseCommand):
    help = "Import a file into one city's catalogue (csv, ics, openagenda, datainclusion, …)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--city", required=True, help="slug of the city")
        parser.add_argument("--format", required=True, choices=sorted(IMPORTERS))
        parser.add_argument("--publish", action="store_true", help="publish imported offers")

    def handle(self, *args, path: Path, city: str, format: str, publish: bool, **options):  # noqa: A002
        target = City.objects.filter(slug=city).first()
        if target is None:
            raise CommandError(f"Ville inconnue : {city}")
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        data = path.read_bytes()
        report = run_in_city(
            target,
            lambda _city: run_importer(format, data=data, filename=path.name, publish=publish),
        )
        self.stdout.write(report.summary())
        for rejection in report.rejections:
            self.stdout.write(f"  rejeté {rejection['record']} : {rejection['reason']}")
