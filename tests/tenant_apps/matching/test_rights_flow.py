"""« Mes droits » end to end: the decisive question answered in place, computed amounts, 202 + poll.

The OpenFisca results are put in the cache the way the worker's task does (computed.py's own
store), so these tests cover the page and API plumbing; tests/tenant_apps/matching/openfisca/
check the amounts themselves against OpenFisca, and one test below runs the real worker.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tenant_apps.matching import computed
from tenant_apps.matching.eligibility import Profile
from tenant_apps.matching.profiles import match_profile_from_dict
from tenant_apps.youth.selectors import profile_get
from tenants.cache import platform_cache
from tenants.context import in_city

TODAY = date.today()
HOUSING = {"conditions_generales": [{"type": "openfisca", "benefit": "aide_logement"}]}
STUDENTS = {"profils": [{"type": "etudiant", "conditions": []}]}
BOURSIERS = {"conditions_generales": [{"type": "boursier"}]}


def born(age: int) -> str:
    return date(TODAY.year - age, 1, 1).isoformat()


def store_result(city, data: dict, amounts: dict, missing: dict | None = None) -> None:
    """What the worker's task leaves in the cache for this profile version."""
    with in_city(city):
        engine = match_profile_from_dict(data, today=TODAY, city=city).engine
    inputs = computed.inputs_for(data, engine, today=TODAY)
    result = computed.Result(
        amounts={slug: computed.Amount(value, "month") for slug, value in amounts.items()},
        missing=missing or {},
        computed_at=timezone.now(),
        legislation_date=computed.legislation_date(TODAY),
    )
    platform_cache.set(f"rights:openfisca:{computed.version(inputs)}", computed._dump(result))


def test_the_most_decisive_question_is_asked_first_and_answered_in_place(
    client_for, grigny, national
):
    national(title="Aide étudiante", eligibility=STUDENTS)
    national(title="Bourse étudiante", eligibility={**STUDENTS, **BOURSIERS})
    national(title="Aide boursiers", eligibility=BOURSIERS)
    client = client_for(grigny)
    page = client.get("/mes-droits/").content.decode()
    # situation settles two aids, boursier two as well, but « situation » sorts first on ties:
    # what matters is that exactly one question is asked, with a form.
    assert page.count('name="fact"') == 1
    assert 'name="fact" value="situation"' in page or 'name="fact" value="boursier"' in page
    client.post("/mes-droits/", {"fact": "situation", "answer": "etudiant"})
    page = client.get("/mes-droits/").content.decode()
    assert 'name="fact" value="boursier"' in page  # the next decisive one
    assert "Aide étudiante" in page.split("Peut-être pour toi")[0]  # now eligible
    client.post("/mes-droits/", {"fact": "boursier", "answer": "oui"})
    page = client.get("/mes-droits/").content.decode()
    assert "Tu as droit à 3 aides" in page


@pytest.mark.parametrize(
    ("fact", "answer", "message"),
    [
        ("situation", "astronaute", "Choisis une des réponses"),
        ("net_income_monthly", "beaucoup", "Écris un nombre"),
        ("net_income_monthly", "9999999", "trop grand"),
        ("birth_date", "2999-01-01", "pas possible"),
        ("commune_insee", "zzzz", "Nous ne trouvons pas"),
        ("nope", "1", "existe pas"),
        ("situation", "", "Choisis ou écris"),
    ],
)
def test_bad_answers_get_a_french_message_and_nothing_is_kept(
    client_for, grigny, fact, answer, message
):
    client = client_for(grigny)
    response = client.post("/mes-droits/", {"fact": fact, "answer": answer})
    assert response.status_code == 200 and message in response.content.decode()
    assert not client.session.get("matching_profile")


def test_a_signed_in_answer_goes_to_the_profile_and_merges_facts(client_for, grigny, make_user):
    lina = make_user(grigny, "lina@grigny.test")
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(lina)
    client.post("/mes-droits/", {"fact": "quotient_familial", "answer": "650"})
    client.post("/mes-droits/", {"fact": "annee_etude", "answer": "licence_1"})
    client.post("/mes-droits/", {"fact": "commune_insee", "answer": "91350"})
    client.post("/mes-droits/", {"fact": "rent_monthly", "answer": "480,50 €"})
    with in_city(grigny):
        row = profile_get(user=lina)
    assert row.facts == {"quotient_familial": 650, "annee_etude": "licence_1"}
    assert (row.commune_insee, row.postal_code) == ("91286", "91350")
    assert float(row.rent_monthly) == 480.5


def test_computed_amounts_decide_and_show_with_the_legislation_date(
    api_for, client_for, grigny, national
):
    national(title="Aides au logement", eligibility=HOUSING)
    data = {"birth_date": born(20), "situation": "etudiant", "commune_insee": "91286"}
    store_result(grigny, data, {"aide_logement": 212.4})
    response = api_for(grigny).post("/api/v1/rights/evaluate/", data, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["legislation_date"] == TODAY.replace(day=1).isoformat()
    assert body["computed_at"]
    [aid] = [o for o in body["eligible"] if o["title"] == "Aides au logement"]
    assert aid["amount"]["value"] == 212.4
    assert aid["amount"]["period"] == "month" and aid["amount"]["estimate"] is True

    store_result(grigny, {**data, "net_income_monthly": 3000}, {"aide_logement": 0.0})
    body = (
        api_for(grigny)
        .post("/api/v1/rights/evaluate/", {**data, "net_income_monthly": 3000}, format="json")
        .json()
    )
    assert "Aides au logement" not in [o["title"] for o in body["eligible"] + body["maybe"]]


def test_a_missing_answer_makes_a_computed_aid_maybe_with_its_question(api_for, grigny, national):
    national(title="Aides au logement", eligibility=HOUSING)
    data = {"birth_date": born(20)}
    store_result(grigny, data, {}, {"aide_logement": ["housing_status", "rent_monthly"]})
    body = api_for(grigny).post("/api/v1/rights/evaluate/", data, format="json").json()
    [maybe] = [m for m in body["maybe"] if m["offer"]["title"] == "Aides au logement"]
    assert maybe["missing"] == ["housing_status", "rent_monthly"]


def test_without_the_worker_the_anonymous_evaluation_answers_202_then_the_poll_200(
    api_for, grigny, national, settings
):
    from tenant_apps.matching import rights_api

    national(title="Aides au logement", eligibility=HOUSING)
    national(title="Aide pour tous")
    rights_api.EVALUATE_WAIT_SECONDS, wait = 0.2, rights_api.EVALUATE_WAIT_SECONDS
    try:
        data = {"birth_date": born(22), "situation": "salarie", "commune_insee": "91286"}
        response = api_for(grigny).post("/api/v1/rights/evaluate/", data, format="json")
    finally:
        rights_api.EVALUATE_WAIT_SECONDS = wait
    assert response.status_code == 202
    body = response.json()
    assert [o["title"] for o in body["pending"]] == ["Aides au logement"]
    assert "Aide pour tous" in [o["title"] for o in body["eligible"]]
    poll = urlsplit(body["poll_url"]).path  # canonical URL: scheme, host and port of links
    assert api_for(grigny).get(poll).status_code == 202
    store_result(grigny, data, {"aide_logement": 180.0})
    done = api_for(grigny).get(poll)
    assert done.status_code == 200 and "pending" not in done.json()
    assert "Aides au logement" in [o["title"] for o in done.json()["eligible"]]


def test_a_poll_token_of_one_city_is_unknown_to_another(api_for, grigny, gennevilliers):
    platform_cache.set(f"rights:poll:{grigny.schema_name}:tok", {"birth_date": born(20)})
    assert api_for(grigny).get("/api/v1/rights/evaluate/tok/").status_code == 200
    assert api_for(gennevilliers).get("/api/v1/rights/evaluate/tok/").status_code == 404


def test_the_page_refreshes_itself_while_amounts_are_computed(client_for, grigny, national):
    national(title="Aides au logement", eligibility=HOUSING)
    page = client_for(grigny).get("/mes-droits/").content.decode()
    assert 'http-equiv="refresh"' in page and "En cours de calcul" in page


def test_redis_down_never_breaks_the_page(client_for, grigny, national, monkeypatch):
    national(title="Aides au logement", eligibility=HOUSING)

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(computed, "platform_cache", Down())
    assert client_for(grigny).get("/mes-droits/").status_code == 200


def test_inputs_change_with_the_facts_that_matter_only():
    engine = Profile(today=TODAY, situation="etudiant", commune_insee="91286")
    base = computed.inputs_for({"interests": ["sport"]}, engine, today=TODAY)
    same = computed.inputs_for({"interests": ["culture"]}, engine, today=TODAY)
    other = computed.inputs_for({"net_income_monthly": 800}, engine, today=TODAY)
    assert computed.version(base) == computed.version(same) != computed.version(other)


def test_claiming_from_the_aid_page_comes_back_to_it(client_for, grigny, make_user, national):
    aid = national(title="Aide pour tous")
    lina = make_user(grigny, "lina@grigny.test")
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(lina)
    page = client.get(f"/offres/{aid.pk}/").content.decode()
    assert f'name="next" value="/offres/{aid.pk}/#demande"' in page
    back = client.post(f"/mes-droits/{aid.pk}/demande/", {"next": f"/offres/{aid.pk}/#demande"})
    assert back.status_code == 302 and back["Location"] == f"/offres/{aid.pk}/#demande"
    away = client.post(f"/mes-droits/{aid.pk}/demande/", {"next": "https://evil.example/"})
    assert away["Location"] == "/mes-droits/"


def test_a_stalled_worker_stops_the_refresh_and_says_so(client_for, api_for, grigny, national):
    import time as clock

    national(title="Aides au logement", eligibility=HOUSING)
    data = {"birth_date": born(21)}
    with in_city(grigny):
        engine = match_profile_from_dict(data, today=TODAY, city=grigny).engine
    inputs = computed.inputs_for(data, engine, today=TODAY)
    # Asked two minutes ago of a worker that never answered.
    platform_cache.set(f"rights:openfisca:{computed.version(inputs)}:queued", clock.time() - 90)
    client = client_for(grigny)
    client.post("/mes-droits/", {"fact": "birth_date", "answer": data["birth_date"]})
    page = client.get("/mes-droits/").content.decode()
    assert 'http-equiv="refresh"' not in page and "momentanément indisponible" in page
    response = api_for(grigny).post("/api/v1/rights/evaluate/", data, format="json")
    assert response.status_code == 200 and response.json()["pending"]


def test_with_the_broker_down_the_api_answers_at_once(api_for, grigny, national, monkeypatch):
    from tenant_apps.matching import tasks

    national(title="Aides au logement", eligibility=HOUSING)
    monkeypatch.setattr(tasks.rights_amounts_compute, "delay", lambda *a, **k: None)
    data = {"birth_date": born(23), "situation": "salarie"}
    response = api_for(grigny).post("/api/v1/rights/evaluate/", data, format="json")
    assert response.status_code == 200
    assert [o["title"] for o in response.json()["pending"]] == ["Aides au logement"]
