"""python manage.py import_aides_jeunes PATH — benefit YAML into the national catalogue and the
catalogues of onboarded cities (communal benefits), by the importer tenant_apps.catalogue
registers (shared_apps.national.importers)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shared_apps.national.importers import AIDES_JEUNES, national_importer


class Command(BaseCommand):
    help = "Import aides-jeunes benefit YAML (a file or a folder)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--institutions", type=Path, default=None)
        parser.add_argument("--show-rejections", action="store_true")

    def handle(self, *args, path: Path, institutions: Path | None, show_rejections: bool, **opts):
        if not path.exists():
            raise CommandError(f"Introuvable : {path}")
        start = time.perf_counter()
        report = national_importer(AIDES_JEUNES)(path=path, institutions_dir=institutions)
        elapsed = time.perf_counter() - start
        self.stdout.write(f"{report.summary()} en {elapsed:.1f} s")
        if show_rejections or report.rejected <= 20:
            for rejection in report.rejections:
                self.stdout.write(f"  rejeté {rejection['record']} : {rejection['reason']}")
