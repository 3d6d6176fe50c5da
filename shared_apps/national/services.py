"""Writes to the national catalogue (public schema)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from shared_apps.offers.models import ImportStatus
from shared_apps.offers.runs import import_run_fail, import_run_finish, progress_recorder

from .importers import AIDES_JEUNES, national_importer
from .models import NationalImportRun


@transaction.atomic
def national_import_start(*, path: Path, started_by: str = "") -> NationalImportRun:
    """Queue an aides-jeunes import of `path` (readable by the worker)."""
    from .tasks import run_aides_jeunes_import

    run = NationalImportRun.objects.create(
        importer=AIDES_JEUNES, filename=str(path)[:255], started_by=started_by
    )
    transaction.on_commit(lambda: run_aides_jeunes_import.delay(run.pk, str(path)))
    return run


def national_import_execute(*, run_id: int, path: Path) -> NationalImportRun:
    run = NationalImportRun.objects.get(pk=run_id)
    NationalImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    try:
        report = national_importer(AIDES_JEUNES)(path=path, progress=progress_recorder(run))
    except Exception as exc:
        import_run_fail(run, exc)
        raise
    import_run_finish(run, report)
    run.save()
    return run
