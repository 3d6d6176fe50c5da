"""Catalogue tasks. They take ids and run in the schema they were sent from."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def run_city_import(run_id: int) -> None:
    """Execute an uploaded import in the sending city's schema."""
    from .imports import import_run_execute
    from .models import ImportRun

    run = ImportRun.objects.filter(pk=run_id).first()
    if run is not None:
        import_run_execute(run=run)
