"""Where is there room, per service (issue 14, item 3): structures declare data·inclusion
services with their own places and next availability; a young person looking for one sees the
structures with room first, nearest first; partners keep their own figures current; another
city sees nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared_apps.accounts.models import Role
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.catalogue.models import PartnerMembership, StructureService
from tenant_apps.catalogue.services import structure_service_save
from tenants.context import in_city

from .factories import make_structure

PERMIS = "mobilite--preparer-un-permis"
ENTRETIEN = "trouver-un-emploi--convaincre-un-recruteur-en-entretien"
HOME = (48.6500, 2.3900)  # Grigny


@pytest.fixture
def places(grigny, make_user):
    editor = make_user(grigny, "editeur@grigny.test", Role.EDITOR)
    with in_city(grigny):
        near_full = make_structure(name="Auto-école sociale (proche, complète)",
                                   latitude=48.6510, longitude=2.3910)  # fmt: skip
        far_room = make_structure(name="Mission locale (loin, de la place)",
                                  latitude=48.7000, longitude=2.5000)  # fmt: skip
        near_room = make_structure(name="Point jeunes (proche, de la place)",
                                   latitude=48.6520, longitude=2.3920)  # fmt: skip
        unknown = make_structure(name="Centre social (places inconnues)",
                                 latitude=48.6505, longitude=2.3905)  # fmt: skip
        soon = date.today() + timedelta(days=20)
        for structure, count, nxt in ((near_full, 0, soon), (far_room, 4, None),
                                      (near_room, 2, None), (unknown, None, None)):  # fmt: skip
            structure_service_save(structure=structure, by=editor, theme=PERMIS,
                                   places_available=count, next_availability=nxt)  # fmt: skip
        structure_service_save(structure=near_room, by=editor, theme=ENTRETIEN, places_available=9)
    return {"near_full": near_full, "far_room": far_room, "near_room": near_room,
            "unknown": unknown, "editor": editor}  # fmt: skip


def test_room_first_then_nearest_first(api_for, grigny, places):
    response = api_for(grigny).get("/api/v1/services/", {"q": "Permis", "near": "48.65,2.39"})
    assert response.status_code == 200
    body = response.json()
    names = [item["structure"]["name"] for item in body["results"]]
    assert names == [
        "Point jeunes (proche, de la place)",
        "Mission locale (loin, de la place)",
        "Centre social (places inconnues)",
        "Auto-école sociale (proche, complète)",
    ]
    first = body["results"][0]
    assert first["theme"] == PERMIS and first["places_available"] == 2 and first["has_room"]
    assert first["label"] and first["distance_km"] < 1
    full = body["results"][-1]
    assert full["has_room"] is False and full["next_availability"]
    # Accents and case do not matter; every word must match.
    assert api_for(grigny).get("/api/v1/services/", {"q": "préparer PERMIS"}).json()["count"] == 4
    assert api_for(grigny).get("/api/v1/services/", {"q": "entretien"}).json()["count"] == 1


def test_garbage_gets_the_error_shape(api_for, grigny, places):
    for params in ({"near": "pas,une position"}, {"near": "91,2"}, {"q": "x" * 300}):
        response = api_for(grigny).get("/api/v1/services/", params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] and error["message"] and error["fields"]
    assert api_for(grigny).get("/api/v1/structures/pas-un-id/").status_code == 404


def test_a_structure_shows_its_services_and_places(api_for, grigny, places):
    structure = places["near_room"]
    response = api_for(grigny).get(f"/api/v1/structures/{structure.pk}/")
    assert response.status_code == 200
    services = {s["theme"]: s["places_available"] for s in response.json()["services"]}
    assert services == {PERMIS: 2, ENTRETIEN: 9}


def test_another_city_sees_none_of_it(api_for, client_for, gennevilliers, places):
    assert api_for(gennevilliers).get("/api/v1/services/", {"q": "permis"}).json()["count"] == 0
    structure = places["near_room"]
    assert api_for(gennevilliers).get(f"/api/v1/structures/{structure.pk}/").status_code == 404
    assert (
        "Point jeunes"
        not in client_for(gennevilliers).get("/structures/", {"service": "permis"}).content.decode()
    )


def test_the_youth_page_lists_room_first(client_for, grigny, places):
    page = client_for(grigny).get("/structures/", {"service": "permis"}).content.decode()
    assert "Où y a-t-il de la place pour « permis » ?" in page
    assert page.index("Point jeunes (proche") < page.index("Auto-école sociale (proche")
    assert "Complet pour l&#x27;instant" in page or "Complet pour l'instant" in page


def test_partners_keep_their_own_figures_and_nobody_elses(client_for, make_user, grigny, places):
    partner = make_user(grigny, "asso@grigny.test", Role.PARTNER)
    viewer = make_user(grigny, "elu@grigny.test", Role.VIEWER)
    mine, other = places["near_full"], places["far_room"]
    with in_city(grigny):
        PartnerMembership.objects.create(user=partner, structure=mine)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(partner)
    form = {
        "theme": PERMIS,
        "places_available": "3",
        "next_availability": "",
        "description": "Le mardi",
    }
    response = client.post(f"/staff/structures/{mine.pk}/services/", form)
    assert response.status_code == 302
    assert client.post(f"/staff/structures/{other.pk}/services/", form).status_code == 404
    bad = client.post(f"/staff/structures/{mine.pk}/services/", {**form, "theme": "n-importe-quoi"})
    assert bad.status_code == 302  # back to the page, with a French message
    assert (
        client.post(
            f"/staff/structures/{mine.pk}/services/", {**form, "places_available": "-2"}
        ).status_code
        == 302
    )
    with in_city(grigny):
        assert StructureService.objects.get(structure=mine, theme=PERMIS).places_available == 3
        assert StructureService.objects.get(structure=other, theme=PERMIS).places_available == 4
        assert not StructureService.objects.filter(theme="n-importe-quoi").exists()
        assert StaffAuditEntry.objects.filter(action="structure.service").exists()
    page = client.get(f"/staff/structures/{mine.pk}/").content.decode()
    assert "Services et places" in page and "Le mardi" in page
    # ~70 services, grouped by their data·inclusion category.
    assert '<optgroup label="Mobilité">' in page and "Préparer un permis" in page
    assert (
        page.index('<optgroup label="Choisir un métier">')
        < page.index('<optgroup label="Équipement et alimentation">')
        < page.index('<optgroup label="Mobilité">')
    )
    elu = client_for(grigny)
    with in_city(grigny):
        elu.force_login(viewer)
    assert elu.post(f"/staff/structures/{mine.pk}/services/", form).status_code == 403
    remove = client.post(f"/staff/structures/{mine.pk}/services/", {"remove": PERMIS})
    assert remove.status_code == 302
    with in_city(grigny):
        assert not StructureService.objects.filter(structure=mine).exists()


def test_aide_au_permis_finds_preparer_un_permis(api_for, client_for, grigny, places):
    """What a young person types: stop-words and « aide » say nothing about the service, so
    « Préparer un permis » (no « aide » in its name or précisions) is found, room first."""
    from tenant_apps.catalogue.selectors import service_query_words

    assert service_query_words("Aide au permis") == ["permis"]
    assert service_query_words("de l'aide pour le code") == ["code"]
    assert service_query_words("aide") == ["aide"]  # nothing but filler: the filler is asked
    for q in ("aide au permis", "l'aide à préparer un permis", "accompagnement permis"):
        body = api_for(grigny).get("/api/v1/services/", {"q": q, "near": "48.65,2.39"}).json()
        names = [item["structure"]["name"] for item in body["results"]]
        assert names == [
            "Point jeunes (proche, de la place)",
            "Mission locale (loin, de la place)",
            "Centre social (places inconnues)",
            "Auto-école sociale (proche, complète)",
        ], q
    assert api_for(grigny).get("/api/v1/services/", {"q": "permis"}).json()["count"] == 4
    # Every word that says which service must still match; stop-words alone match nothing.
    assert api_for(grigny).get("/api/v1/services/", {"q": "aide au logement"}).json()["count"] == 0
    assert api_for(grigny).get("/api/v1/services/", {"q": "de la"}).json()["count"] == 0
    # A word matches the start of a word, not its middle (« tien » is not « entretien »).
    assert api_for(grigny).get("/api/v1/services/", {"q": "tien"}).json()["count"] == 0
    page = client_for(grigny).get("/structures/", {"service": "aide au permis"}).content.decode()
    assert page.index("Point jeunes (proche") < page.index("Auto-école sociale (proche")
    for params in ({"q": "aide au permis", "near": "n'importe quoi"}, {"q": "x" * 300}):
        response = api_for(grigny).get("/api/v1/services/", params)
        assert response.status_code == 400, params
        assert set(response.json()["error"]) == {"code", "message", "fields"}
