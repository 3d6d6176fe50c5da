"""GET /api/v1/offers/, the detail, the public pages and the iCal feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.services import national_offer_setting_update
from tenants.context import in_city

from .factories import make_national, make_offer


def test_list_shape_and_search_without_accents(api_for, grigny):
    with in_city(grigny):
        offer = make_offer(
            title="Aide à la mobilité", summary="Pour passer ton permis", themes=["mobilite"],
            latitude=48.65, longitude=2.39, address="Place du marché, Grigny",
        )  # fmt: skip
        make_offer(title="Autre chose")
    response = api_for(grigny).get("/api/v1/offers/", {"q": "mobilite"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    item = body["results"][0]
    assert set(item) == {
        "id", "kind", "title", "summary", "themes", "location", "starts_at", "ends_at",
        "is_national", "url",
    }  # fmt: skip
    assert item["id"] == str(offer.id) and item["is_national"] is False
    assert item["url"] == f"http://grigny.localhost:8000/offres/{offer.id}/"
    assert item["location"]["latitude"] == 48.65


def test_pagination(api_for, grigny):
    with in_city(grigny):
        for i in range(23):
            make_offer(title=f"Offre {i}")
    first = api_for(grigny).get("/api/v1/offers/").json()
    assert first["count"] == 23 and len(first["results"]) == 20 and first["next"]
    second = api_for(grigny).get("/api/v1/offers/", {"page": 2}).json()
    assert len(second["results"]) == 3
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "48.6"}, "near"),
        ({"near": "abc,def"}, "near"),
        ({"near": "48.6,2.3", "radius_km": "-1"}, "radius_km"),
        ({"kind": "concert"}, "kind"),
        ({"theme": "n-importe-quoi"}, "theme"),
        ({"from": "demain"}, "from"),
        ({"radius_km": "5"}, "near"),
    ],
)
def test_bad_parameters_are_400_with_fields(api_for, grigny, params, field):
    response = api_for(grigny).get("/api/v1/offers/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]


def test_near_and_free_filters_over_http(api_for, grigny):
    with in_city(grigny):
        make_offer(title="Près", latitude=48.65, longitude=2.39)
        make_offer(title="Loin", latitude=50.6, longitude=3.0, is_free=False, price_eur=5)
    near = api_for(grigny).get("/api/v1/offers/", {"near": "48.65,2.39", "radius_km": "3"})
    assert [r["title"] for r in near.json()["results"]] == ["Près"]
    assert near.json()["results"][0]["location"]["distance_km"] == 0
    free = api_for(grigny).get("/api/v1/offers/", {"free": "true"}).json()["results"]
    assert [r["title"] for r in free] == ["Près"]


def test_detail_local_and_national(api_for, grigny):
    national = make_national(title="Service civique", kind="service", amount_value=600)
    with in_city(grigny):
        local = make_offer(title="Chantier jeunes", body="Repeindre le gymnase.")
    detail = api_for(grigny).get(f"/api/v1/offers/{local.id}/").json()
    assert detail["body"] == "Repeindre le gymnase." and detail["is_national"] is False
    national_detail = api_for(grigny).get(f"/api/v1/offers/{national.id}/").json()
    assert national_detail["is_national"] is True and national_detail["amount"]["value"] == 600


def test_detail_unknown_or_malformed_id_is_404_json(api_for, grigny):
    for offer_id in ["00000000-0000-0000-0000-000000000000", "pas-un-uuid"]:
        response = api_for(grigny).get(f"/api/v1/offers/{offer_id}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_draft_is_not_served(api_for, client_for, grigny):
    with in_city(grigny):
        draft = make_offer(title="Pas prête", status="draft")
    assert api_for(grigny).get(f"/api/v1/offers/{draft.id}/").status_code == 404
    assert client_for(grigny).get(f"/offres/{draft.id}/").status_code == 404


def test_pages_list_search_and_detail(client_for, grigny):
    with in_city(grigny):
        offer = make_offer(title="Aide au permis de conduire", summary="Jusqu'à 500 €")
    page = client_for(grigny).get("/offres/", {"q": "PERMIS"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Aide au permis de conduire" in html and f"/offres/{offer.id}/" in html
    detail = client_for(grigny).get(f"/offres/{offer.id}/")
    assert detail.status_code == 200 and "Jusqu&#x27;à 500 €" in detail.content.decode()
    bad = client_for(grigny).get("/offres/", {"kind": "nope"})
    assert bad.status_code == 200 and "Type inconnu" in bad.content.decode()


def test_ical_feed_lists_upcoming_events(client_for, grigny):
    start = timezone.now() + timedelta(days=5)
    with in_city(grigny):
        event = make_offer(
            title="Tournoi de foot", kind="evenement", starts_at=start,
            ends_at=start + timedelta(hours=3), address="Stade Jean-Moulin",
        )  # fmt: skip
        make_offer(title="Une aide", kind="aide")
        make_offer(title="Brouillon", kind="evenement", status="draft", starts_at=start)
    response = client_for(grigny).get("/agenda.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Tournoi de foot"]
    assert str(events[0]["uid"]).startswith(str(event.id))
    assert str(events[0]["location"]) == "Stade Jean-Moulin"


def test_pinned_national_offer_comes_first(api_for, grigny, make_user):
    with in_city(grigny):
        make_offer(title="Locale")
    national = make_national(title="Nationale")
    admin = make_user(grigny, "a@grigny.test", Role.EDITOR)
    with in_city(grigny):
        national_offer_setting_update(national_offer_id=national.id, by=admin, pinned=True)
    titles = [r["title"] for r in api_for(grigny).get("/api/v1/offers/").json()["results"]]
    assert titles == ["Nationale", "Locale"]
