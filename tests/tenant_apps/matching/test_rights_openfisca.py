"""OpenFisca end to end: the corpus' computed benefits imported, amounts computed, rights shown.

Runs the real openfisca-france (no stand-in): in this process for the service, and in a real
Celery worker for the anonymous API's 202 → poll round trip.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.importers.aides_jeunes import import_aides_jeunes
from tenant_apps.matching import computed
from tenant_apps.matching.profiles import match_profile_from_dict
from tenant_apps.matching.rights import rights_evaluate
from tenants.context import in_city

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue" / "aides_jeunes"
TODAY = date.today()
STUDENT = {
    "birth_date": date(TODAY.year - 20, 3, 1).isoformat(),
    "situation": "etudiant",
    "commune_insee": "91286",
    "boursier": True,
    "housing_status": "locataire_meuble",
    "rent_monthly": 520,
    "net_income_monthly": 0,
    "lives_with_partner": False,
}


def test_only_the_benefits_tremplin_computes_are_imported(db):
    report = import_aides_jeunes(path=FIXTURES / "openfisca")
    assert (report.created, report.rejected) == (2, 1)
    assert "non calculé" in report.rejections[0]["reason"]
    housing = NationalOffer.objects.get(external_id="aide_logement")
    assert housing.eligibility["conditions_generales"][0] == {
        "type": "openfisca",
        "benefit": "aide_logement",
    }
    # Granted by the CAF of Essonne: only for people of the Essonne.
    assert housing.departement_codes == ["91"] and housing.scope == "departemental"
    assert housing.teleservice_url == "https://exemple.gouv.fr/aides-logement/demande"
    assert "calculé selon ta situation" in housing.summary


def _rights(city, data):
    with in_city(city):
        engine = match_profile_from_dict(data, today=TODAY, city=city).engine
        computed.results_compute([computed.inputs_for(data, engine, today=TODAY)])
        return rights_evaluate(city=city, data=data, today=TODAY, compute=False)


def test_a_grigny_student_sees_the_monthly_amount_of_their_housing_aid(grigny):
    import_aides_jeunes(path=FIXTURES / "openfisca")
    answer = _rights(grigny, STUDENT)
    [housing] = [c for c in answer.eligible if c.title == "Aides au logement"]
    amount = answer.amount_of(housing)
    assert amount.period == "month" and amount.estimate and 100 < amount.value < 600
    assert answer.computed_at is not None and answer.legislation_date == TODAY.replace(day=1)
    assert answer.pending == []

    worker = {**STUDENT, "situation": "salarie", "boursier": None, "net_income_monthly": 1000}
    paid = _rights(grigny, worker)
    assert {"Aides au logement", "Prime d'activité"} <= {c.title for c in paid.eligible}
    rich = _rights(grigny, {**worker, "net_income_monthly": 4000})
    assert "Aides au logement" not in [c.title for c in rich.eligible + rich.maybe]


def test_the_housing_aid_waits_for_the_rent_when_it_is_unknown(grigny):
    import_aides_jeunes(path=FIXTURES / "openfisca")
    unknown_rent = {k: v for k, v in STUDENT.items() if k != "rent_monthly"}
    answer = _rights(grigny, unknown_rent)
    maybe = {m.candidate.title: m.missing for m in answer.maybe}
    assert "rent_monthly" in maybe["Aides au logement"]
    assert answer.question.fact in {"rent_monthly", "housing_status"} or answer.questions


@pytest.mark.worker
def test_the_worker_computes_and_the_poll_returns_the_amount(committed, celery_worker, api_for):
    from tenants.models import City

    grigny = City.objects.get(slug="grigny")
    import_aides_jeunes(path=FIXTURES / "openfisca")
    try:
        data = {**STUDENT, "rent_monthly": 533}  # a version nobody computed yet
        response = api_for(grigny).post("/api/v1/rights/evaluate/", data, format="json")
        deadline = time.monotonic() + 90  # the worker loads OpenFisca once (about 10 s)
        while response.status_code == 202:
            assert time.monotonic() < deadline, "the worker never computed the amounts"
            time.sleep(0.5)
            poll = urlsplit(response.json()["poll_url"]).path
            response = api_for(grigny).get(poll)
        assert response.status_code == 200
        [housing] = [o for o in response.json()["eligible"] if o["title"] == "Aides au logement"]
        assert housing["amount"]["value"] > 0 and housing["amount"]["estimate"] is True
    finally:
        NationalOffer.objects.filter(source="aides-jeunes").delete()
