"""Running importers for a city: start from an upload (staff), execute in a task with progress."""

from __future__ import annotations

from django.db import transaction
from kernel.errors import ValidationFailed

from shared_apps.offers.runs import import_run_fail, import_run_finish, progress_recorder
from tenant_apps.audit.services import audit_record

from .importers.registry import IMPORTERS, run_importer
from .models import ImportRun, ImportStatus
from .permissions import can_publish, require

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@transaction.atomic
def import_start(*, by, importer: str, filename: str, data: bytes, publish: bool) -> ImportRun:
    """Store the upload and queue its import (sent once the transaction commits)."""
    from .tasks import run_city_import

    require(can_publish(by))
    if importer not in IMPORTERS:
        raise ValidationFailed("Format inconnu.", fields={"importer": ["Choisis un format."]})
    if not data:
        raise ValidationFailed("Le fichier est vide.", fields={"file": ["Le fichier est vide."]})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            "Fichier trop gros (5 Mo au plus).", fields={"file": ["5 Mo au plus."]}
        )
    run = ImportRun.objects.create(
        importer=importer,
        filename=filename[:255],
        payload=data,
        publish=publish,
        started_by=getattr(by, "email", ""),
    )
    audit_record(actor=by, action="import.start", obj=run, label=f"{importer} {filename}"[:200])
    transaction.on_commit(lambda: run_city_import.delay(run.pk))
    return run


def import_run_execute(*, run: ImportRun) -> ImportRun:
    """Run a queued city import and store its report. Safe to call again on a finished run."""
    if run.status == ImportStatus.DONE:
        return run
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    try:
        report = run_importer(
            run.importer,
            data=bytes(run.payload),
            filename=run.filename,
            publish=run.publish,
            progress=progress_recorder(run),
        )
    except Exception as exc:
        import_run_fail(run, exc)
        raise
    import_run_finish(run, report)
    run.payload = b""
    run.save()
    return run
