"""How an import run records its progress and outcome, for both catalogues' runs
(AbstractImportRun): the city's uploads and the national imports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.utils import timezone

from .models import AbstractImportRun, ImportStatus

PROGRESS_EVERY = 25


class Report(Protocol):
    """What an importer reports (tenant_apps.catalogue.importers.base.ImportReport)."""

    created: int
    updated: int
    unchanged: int
    rejections: list[dict[str, str]]

    @property
    def rejected(self) -> int: ...

    @property
    def total(self) -> int: ...


def progress_recorder(run: AbstractImportRun) -> Callable[[int, int], None]:
    def record(processed: int, total: int) -> None:
        if processed == total or processed % PROGRESS_EVERY == 0:
            type(run).objects.filter(pk=run.pk).update(processed=processed, total=total)

    return record


def import_run_finish(run: AbstractImportRun, report: Report) -> None:
    run.status = ImportStatus.DONE
    run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
    run.rejected, run.rejections = report.rejected, report.rejections
    run.processed = run.total = report.total
    run.finished_at = timezone.now()


def import_run_fail(run: AbstractImportRun, exc: BaseException) -> None:
    """Record why a whole import stopped (a bad record never does: it is only rejected)."""
    run.status, run.error, run.finished_at = ImportStatus.FAILED, str(exc)[:2000], timezone.now()
    run.save()
