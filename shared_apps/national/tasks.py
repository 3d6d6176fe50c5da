"""National catalogue tasks (public schema)."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task


@shared_task(ignore_result=True)
def run_aides_jeunes_import(run_id: int, path: str) -> None:
    """Import an aides-jeunes folder or file into the national catalogue, with progress."""
    from .services import national_import_execute

    national_import_execute(run_id=run_id, path=Path(path))
