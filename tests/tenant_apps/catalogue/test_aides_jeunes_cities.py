"""aides-jeunes' communal aids land in each onboarded city; a city that fails is rolled back,
its records rejected with a reason, and the other cities still get theirs."""

from __future__ import annotations

import shutil
from pathlib import Path

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.importers.aides_jeunes import import_aides_jeunes
from tenant_apps.catalogue.models import Offer
from tenants.context import in_city
from tests.tenants.crosscity import break_table, city_tags, sentry_events

AIDES = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue" / "aides_jeunes"


def _with_a_gennevilliers_aid(tmp_path: Path) -> Path:
    root = tmp_path / "aides_jeunes"
    shutil.copytree(AIDES, root)
    (root / "institutions" / "ville_gennevilliers.yml").write_text(
        'name: Ville de Gennevilliers\ntype: commune\ncode_insee: "92036"\n'
    )
    (root / "benefits" / "gennevilliers-permis.yml").write_text(
        (root / "benefits" / "grigny-bourse-projets.yml")
        .read_text()
        .replace("bourse projets jeunes", "permis citoyen")
        .replace("ville_grigny", "ville_gennevilliers")
        .replace("91286", "92036")
    )
    return root


def test_a_failing_city_does_not_stop_the_local_aids_of_the_others(grigny, gennevilliers, tmp_path):
    root = _with_a_gennevilliers_aid(tmp_path)
    break_table(gennevilliers, Offer._meta.db_table)  # comes first: slug order
    with sentry_events() as events:
        report = import_aides_jeunes(path=root / "benefits", institutions_dir=root / "institutions")
    rejected = {r["record"]: r["reason"] for r in report.rejections}
    assert rejected["gennevilliers-permis.yml → gennevilliers"] == (
        "échec de l'import dans cette ville"
    )
    assert report.created == 5  # the four national aids and Grigny's, as without the failure
    with in_city(grigny):
        assert Offer.objects.filter(external_id="grigny-bourse-projets").exists()
    assert not NationalOffer.objects.filter(external_id="gennevilliers-permis").exists()
    assert city_tags(events) == ["gennevilliers"]


def test_each_onboarded_city_gets_its_own_communal_aid(grigny, gennevilliers, tmp_path):
    root = _with_a_gennevilliers_aid(tmp_path)
    report = import_aides_jeunes(path=root / "benefits", institutions_dir=root / "institutions")
    assert report.created == 6 and report.outcomes["gennevilliers-permis.yml → gennevilliers"]
    with in_city(gennevilliers):
        assert Offer.objects.get(external_id="gennevilliers-permis").title == "Permis citoyen"
        assert not Offer.objects.filter(external_id="grigny-bourse-projets").exists()
