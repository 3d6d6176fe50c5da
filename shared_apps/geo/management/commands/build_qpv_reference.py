"""Management command rebuilding the shipped QPV reference file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.geo.build import build_qpv_reference
from shared_apps.geo.qpv import QPV_DATA_PATH

REPO_DIR = Path(__file__).resolve().parents[4]
DEFAULT_SOURCE = REPO_DIR.parent / "shared" / "data" / "qpv" / "qpv.json.gz"


class Command(BaseCommand):
    """Rebuild shared_apps/geo/data/qpv.csv.gz from the QPV 2024 contours (qpv.json.gz)."""

    help = "Rebuild the QPV 2024 reference (code, label, communes, centroid) as gzip CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="qpv.json.gz")
        parser.add_argument("--out", type=Path, default=QPV_DATA_PATH, help="Output .csv.gz.")

    def handle(self, *args: Any, **options: Any) -> None:
        source, out = Path(options["source"]), Path(options["out"])
        if not source.is_file():
            raise CommandError(f"QPV source file not found: {source}")
        try:
            rows = build_qpv_reference(source_path=source, out_path=out)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows} QPV to {out}"))
