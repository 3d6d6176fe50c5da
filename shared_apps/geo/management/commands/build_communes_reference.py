"""Management command rebuilding the shipped communes reference file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.geo.build import build_communes_reference
from shared_apps.geo.communes import DATA_PATH

REPO_DIR = Path(__file__).resolve().parents[4]
DEFAULT_SOURCE = REPO_DIR.parent / "shared" / "data" / "communes"


class Command(BaseCommand):
    """Rebuild shared_apps/geo/data/communes.csv.gz from decoupage-administratif JSON files."""

    help = "Rebuild the French communes reference (gzip CSV) from @etalab/decoupage-administratif."

    def add_arguments(self, parser: CommandParser) -> None:
        """Declare --source and --out."""
        parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="JSON folder.")
        parser.add_argument("--out", type=Path, default=DATA_PATH, help="Output .csv.gz file.")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the builder and report the number of rows written."""
        source, out = Path(options["source"]), Path(options["out"])
        if not source.is_dir():
            raise CommandError(f"Communes source folder not found: {source}")
        try:
            rows = build_communes_reference(source_dir=source, out_path=out)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows} communes to {out}"))
