"""Grigny's offers never appear on Gennevilliers; national offers appear everywhere unless a city
hides them, and then only there."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.services import national_offer_setting_update
from tenants.context import in_city

from .factories import make_national, make_offer, make_structure


def _grigny_offers(grigny):
    with in_city(grigny):
        structure = make_structure(name="Maison de quartier Grigny 2")
        aid = make_offer(title="Bourse Grigny permis", structure=structure)
        event = make_offer(
            title="Fête Grigny jeunesse", kind="evenement",
            starts_at=timezone.now() + timedelta(days=2),
        )  # fmt: skip
    return aid, event


def test_grigny_offers_never_on_gennevilliers(api_for, client_for, grigny, gennevilliers):
    aid, event = _grigny_offers(grigny)
    api = api_for(gennevilliers)
    listing = api.get("/api/v1/offers/").json()
    assert listing["count"] == 0
    assert api.get("/api/v1/offers/", {"q": "grigny"}).json()["count"] == 0
    assert api.get("/api/v1/offers/", {"q": "maison de quartier"}).json()["count"] == 0
    for offer in (aid, event):
        response = api.get(f"/api/v1/offers/{offer.id}/")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
        assert client_for(gennevilliers).get(f"/offres/{offer.id}/").status_code == 404
    page = client_for(gennevilliers).get("/offres/", {"q": "grigny"}).content.decode()
    assert "Grigny permis" not in page and "Fête Grigny" not in page
    assert b"Grigny" not in client_for(gennevilliers).get("/agenda.ics").content
    # …while Grigny sees both.
    assert api_for(grigny).get("/api/v1/offers/").json()["count"] == 2
    assert b"Grigny jeunesse" in client_for(grigny).get("/agenda.ics").content


def test_national_offer_everywhere_unless_hidden_by_that_city(
    api_for, client_for, grigny, gennevilliers, noisy, make_user
):
    national = make_national(title="Pass Culture")
    for city in (grigny, gennevilliers, noisy):
        titles = [r["title"] for r in api_for(city).get("/api/v1/offers/").json()["results"]]
        assert titles == ["Pass Culture"]
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    with in_city(grigny):
        national_offer_setting_update(national_offer_id=national.id, by=admin, hidden=True)
    assert api_for(grigny).get("/api/v1/offers/").json()["count"] == 0
    assert api_for(grigny).get(f"/api/v1/offers/{national.id}/").status_code == 404
    assert client_for(grigny).get(f"/offres/{national.id}/").status_code == 404
    for city in (gennevilliers, noisy):
        assert api_for(city).get("/api/v1/offers/").json()["count"] == 1
        assert api_for(city).get(f"/api/v1/offers/{national.id}/").status_code == 200
