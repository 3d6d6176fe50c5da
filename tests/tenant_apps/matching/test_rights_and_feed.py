"""« Mes droits » and « Pour toi » against a real catalogue."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from shared_apps.accounts.services import token_create
from tenant_apps.matching.candidates import candidates_for_city
from tenant_apps.matching.feed import feed_for
from tenant_apps.matching.profiles import match_profile_from_dict
from tenant_apps.matching.rights import rights_for
from tenants.context import in_city
from tenants.models import build_url

TODAY = timezone.localdate()
UNDER_26 = {"conditions_generales": [{"type": "age", "operator": "<", "value": 26}]}
JOBSEEKER = {"profils": [{"type": "chomeur", "conditions": []}]}
STUDENT_BOURSIER = {"profils": [{"type": "etudiant", "conditions": [{"type": "boursier"}]}]}


def born(age: int) -> str:
    return date(TODAY.year - age, 1, 1).isoformat()


def titles(items) -> list[str]:
    return [getattr(i, "candidate", i).title for i in items]


def test_rights_sort_eligible_maybe_and_not(grigny, publish, national):
    publish(grigny, title="Aide locale jeunes", eligibility=UNDER_26)
    national(title="Aide emploi", eligibility=JOBSEEKER)
    national(title="Bourse plus", eligibility=STUDENT_BOURSIER)
    national(title="Aide Savoie", eligibility={"conditions_generales": [
        {"type": "departements", "values": ["74"]}]}, scope="departemental",
        departement_codes=["74"])  # fmt: skip
    with in_city(grigny):
        profile = match_profile_from_dict(
            {"birth_date": born(19), "situation": "demandeur_emploi"}, today=TODAY, city=grigny
        )
        rights = rights_for(profile=profile, candidates=candidates_for_city(grigny))
    assert titles(rights.eligible) == ["Aide locale jeunes", "Aide emploi"]
    assert titles(rights.maybe) == []  # the student aid is ruled out by the situation
    assert "Aide Savoie" not in titles(rights.eligible)  # does not even cover Grigny

    with in_city(grigny):
        unknown = match_profile_from_dict({"birth_date": born(19)}, today=TODAY, city=grigny)
        rights = rights_for(profile=unknown, candidates=candidates_for_city(grigny))
    assert titles(rights.eligible) == ["Aide locale jeunes"]
    assert {m.candidate.title: m.missing for m in rights.maybe} == {
        "Aide emploi": ("situation",),
        "Bourse plus": ("boursier", "situation"),
    }
    assert rights.next_questions()[0][0] == "situation"  # settles the most aids


def test_audience_fields_of_local_offers_count(grigny, publish):
    publish(grigny, title="Pass sport 16-18", age_min=16, age_max=18)
    publish(grigny, title="Coup de pouce QPV", qpv_only=True)
    with in_city(grigny):
        adult = match_profile_from_dict({"birth_date": born(22)}, today=TODAY, city=grigny)
        rights = rights_for(profile=adult, candidates=candidates_for_city(grigny))
    assert "Pass sport 16-18" not in titles(rights.eligible) + titles(rights.maybe)
    assert "Coup de pouce QPV" in titles(rights.maybe)


def test_national_aid_hidden_by_a_city_disappears_there_only(grigny, gennevilliers, national):
    from tenant_apps.catalogue.models import NationalOfferSetting

    aid = national(title="Aide cachée")
    with in_city(grigny):
        NationalOfferSetting.objects.create(national_offer_id=aid.pk, hidden=True)
        assert "Aide cachée" not in titles(candidates_for_city(grigny))
    with in_city(gennevilliers):
        assert "Aide cachée" in titles(candidates_for_city(gennevilliers))


def test_feed_reasons_and_kind_diversity(grigny, publish):
    soon = TODAY + timedelta(days=3)
    publish(grigny, kind="emploi", title="Job d'été piscine", themes=["sport"], apply_by=soon)
    publish(grigny, kind="evenement", title="Tournoi de foot", themes=["sport"],
            starts_at=timezone.now() + timedelta(days=5))  # fmt: skip
    publish(grigny, kind="formation", title="Formation remote", is_remote=True)
    for i in range(5):
        publish(grigny, kind="emploi", title=f"Autre job {i}")
    with in_city(grigny):
        profile = match_profile_from_dict(
            {"birth_date": born(19), "interests": ["sport"], "looking_for": ["emploi"],
             "freins": ["mobilite"]}, today=TODAY, city=grigny,
        )  # fmt: skip
        items = feed_for(
            profile=profile, candidates=candidates_for_city(grigny), now=timezone.now()
        )
    first = items[0]
    assert first.candidate.title == "Job d'été piscine"
    assert "tu t'intéresses à : sport" in first.reasons
    assert "tu cherches un job" in first.reasons
    assert "plus que 3 jours pour candidater" in first.reasons
    remote = next(i for i in items if i.candidate.title == "Formation remote")
    assert "à distance, sans te déplacer" in remote.reasons
    assert {i.candidate.kind for i in items[:3]} == {"emploi", "evenement", "formation"}


def test_feed_leaves_out_what_the_person_cannot_have(grigny, publish):
    publish(grigny, title="Pour les 16-18", age_min=16, age_max=18)
    with in_city(grigny):
        profile = match_profile_from_dict({"birth_date": born(23)}, today=TODAY, city=grigny)
        items = feed_for(
            profile=profile, candidates=candidates_for_city(grigny), now=timezone.now()
        )
    assert "Pour les 16-18" not in titles(items)


def test_candidates_follow_catalogue_changes(grigny, publish):
    with in_city(grigny):
        before = len(candidates_for_city(grigny))
    publish(grigny, title="Toute nouvelle aide")
    with in_city(grigny):
        assert len(candidates_for_city(grigny)) == before + 1


# API and pages


def test_anonymous_evaluation_stores_nothing(api_for, grigny, national):
    national(title="Aide emploi", eligibility=JOBSEEKER)
    body = {"birth_date": born(19), "situation": "demandeur_emploi"}
    response = api_for(grigny).post("/api/v1/rights/evaluate/", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert [o["title"] for o in data["eligible"]] == ["Aide emploi"]
    assert set(data) == {"eligible", "maybe", "computed_at", "legislation_date"}
    assert data["eligible"][0]["url"].startswith(build_url(grigny.primary_host, "/offres/"))


def test_anonymous_evaluation_rejects_bad_profiles(api_for, grigny):
    response = api_for(grigny).post(
        "/api/v1/rights/evaluate/",
        {"situation": "astronaute", "birth_date": "not-a-date", "freins": ["x"]},
        format="json",
    )
    assert response.status_code == 400
    assert {"situation", "birth_date", "freins"} <= set(response.json()["error"]["fields"])


def test_my_rights_counts_unclaimed_and_claims(api_for, make_user, grigny, publish):
    aid = publish(grigny, title="Aide pour tous")  # no rules: everyone is entitled
    publish(grigny, title="Aide des moins de 26 ans", eligibility=UNDER_26)
    lina = make_user(grigny, "lina@grigny.test")
    with in_city(grigny):
        token = token_create(user=lina)
    api = api_for(grigny, token)
    first = api.get("/api/v1/me/rights/").json()
    assert first["unclaimed_count"] == 1
    assert first["maybe"][0]["missing"] == ["birth_date"]
    assert first["maybe"][0]["question"] == "Quelle est ta date de naissance ?"
    assert api.post(f"/api/v1/me/rights/{aid.pk}/claim/").status_code == 201
    data = api.get("/api/v1/me/rights/").json()
    assert data["unclaimed_count"] == 0 and data["eligible"][0]["claimed"] is True
    assert (
        api.post("/api/v1/me/rights/00000000-0000-0000-0000-000000000000/claim/").status_code == 404
    )


def test_my_feed_api_items_carry_reasons(api_for, make_user, grigny, publish):
    publish(grigny, kind="emploi", title="Job animateur", themes=["sport"])
    lina = make_user(grigny, "lina@grigny.test")
    with in_city(grigny):
        token = token_create(user=lina)
    data = api_for(grigny, token).get("/api/v1/me/feed/").json()
    assert data["results"][0]["title"] == "Job animateur"
    assert data["results"][0]["reasons"]
    assert api_for(grigny).get("/api/v1/me/feed/").status_code == 401


def test_rights_page_works_anonymously_with_session_answers(client_for, grigny, national):
    national(title="Aide emploi", eligibility=JOBSEEKER)
    client = client_for(grigny)
    page = client.get("/mes-droits/").content.decode()
    assert "Peut-être pour toi" in page and "Aide emploi" in page
    client.post("/mes-droits/", {"birth_date": born(19), "situation": "demandeur_emploi"})
    page = client.get("/mes-droits/").content.decode()
    assert "Tu as droit à 1 aide" in page
    bad = client.post("/mes-droits/", {"birth_date": "2099-01-01"})
    assert bad.status_code == 200 and "pas possible" in bad.content.decode()


def test_rights_of_one_city_never_show_another_citys_aids(api_for, grigny, gennevilliers, publish):
    publish(grigny, title="Aide de Grigny")
    data = api_for(gennevilliers).post("/api/v1/rights/evaluate/", {}, format="json").json()
    assert "Aide de Grigny" not in [o["title"] for o in data["eligible"]]
    assert api_for(grigny).post("/api/v1/rights/evaluate/", {}, format="json").json()["eligible"]


def test_rights_links_use_the_city_canonical_url_not_the_host_header(api_for, grigny, national):
    national(title="Aide emploi", eligibility=JOBSEEKER)
    body = {"birth_date": born(19), "situation": "demandeur_emploi"}
    # Reached on an internal port (a proxy's upstream): links still point at the public host.
    response = api_for("grigny.localhost:9999").post(
        "/api/v1/rights/evaluate/", body, format="json"
    )
    assert response.status_code == 200
    url = response.json()["eligible"][0]["url"]
    assert url.startswith(build_url(grigny.primary_host, "/offres/")) and ":9999" not in url
