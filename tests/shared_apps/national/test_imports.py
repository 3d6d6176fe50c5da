"""National imports: the run records progress and outcome, through the importer the city
catalogue registers (the national app imports no city app)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from shared_apps.national import importers
from shared_apps.national.models import NationalImportRun, NationalOffer
from shared_apps.national.services import national_import_execute, national_import_start
from shared_apps.offers.models import ImportStatus

AIDES = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue" / "aides_jeunes"


def test_a_queued_national_import_runs_and_records_its_report(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = national_import_start(path=AIDES / "benefits", started_by="ops@tremplin.test")
    assert run.status == ImportStatus.PENDING and len(callbacks) == 1
    run = national_import_execute(run_id=run.pk, path=AIDES / "benefits")
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.finished_at
    assert (run.created, run.rejected) == (5, 2) and run.total == run.processed == 7
    assert NationalOffer.objects.filter(external_id="aide-nationale-permis").exists()


def test_a_failed_national_import_says_why(db):
    run = NationalImportRun.objects.create(importer=importers.AIDES_JEUNES)
    with pytest.raises(FileNotFoundError):
        national_import_execute(run_id=run.pk, path=AIDES / "nowhere")
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and "nowhere" in run.error


def test_the_city_catalogue_registered_the_aides_jeunes_importer():
    from tenant_apps.catalogue.importers.aides_jeunes import import_aides_jeunes

    assert importers.national_importer(importers.AIDES_JEUNES) is import_aides_jeunes
    with pytest.raises(ImproperlyConfigured):
        importers.national_importer("nope")


def test_both_catalogues_share_the_offer_shape_which_has_no_app_or_table():
    assert not any(config.name == "shared_apps.offers" for config in apps.get_app_configs())
    local = apps.get_model("catalogue", "Offer")
    shared = {f.column for f in NationalOffer._meta.concrete_fields}
    # The city's own workflow columns: its structure, who wrote it, the review's reason.
    own = {"structure_id", "created_by_id", "review_reason"}
    assert {f.column for f in local._meta.concrete_fields} - own <= shared
