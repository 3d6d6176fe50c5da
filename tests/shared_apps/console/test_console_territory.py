"""The console onboards a territory (a list of communes, or a whole EPCI), names the tenant
that already covers a commune, and moves it only when the box is ticked."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import AuditEntry, City, CityCommune

LENS_LIEVIN = "246200364"
FORM = {"admin_email": "jeunesse@territoire.test", "primary_color": "#0b5fa5"}


@pytest.fixture
def console(operator, public_host) -> Client:
    client = Client(HTTP_HOST=public_host)
    client.force_login(operator)
    return client


def test_the_search_offers_the_whole_epci(console):
    page = console.get("/console/villes/nouvelle/", {"q": "Liévin"}).content.decode()
    assert f"?epci={LENS_LIEVIN}" in page and "CA de Lens - Liévin" in page
    form = console.get("/console/villes/nouvelle/", {"epci": LENS_LIEVIN}).content.decode()
    assert f'value="{LENS_LIEVIN}"' in form and "communes, la plus peuplée par défaut" in form
    assert 'value="ca-de-lens-lievin"' in form and "Avion" in form


def test_an_epci_is_onboarded_as_one_tenant(console):
    response = console.post(
        "/console/villes/nouvelle/",
        {**FORM, "epci": LENS_LIEVIN, "name": "Lens-Liévin", "slug": "lens-lievin"},
    )
    assert response.status_code == 302
    city = City.objects.get(slug="lens-lievin")
    assert city.insee == "62498" and len(city.commune_codes) > 30


def test_a_commune_and_others_make_a_territory(console):
    response = console.post(
        "/console/villes/nouvelle/",
        {**FORM, "insee": "62498", "other_communes": "62510, 62065", "name": "Lens",
         "slug": "lens"},
    )  # fmt: skip
    assert response.status_code == 302
    assert City.objects.get(slug="lens").commune_codes == ["62498", "62510", "62065"]


def test_a_covered_commune_names_its_tenant_and_moves_only_when_asked(console, operator, grigny):
    onboard = {**FORM, "insee": "62498", "other_communes": "62510", "name": "Lens", "slug": "lens"}
    assert console.post("/console/villes/nouvelle/", onboard).status_code == 302
    again = {**FORM, "insee": "62510", "name": "Liévin", "slug": "lievin"}
    refused = console.post("/console/villes/nouvelle/", again)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "déjà couverte par Lens" in page and "http://lens.localhost:8000/" in page
    assert 'href="/console/villes/lens/"' in page and "Rattacher à cette ville" in page
    assert not City.objects.filter(slug="lievin").exists()
    moved = console.post("/console/villes/nouvelle/", {**again, "move_communes": "on"})
    assert moved.status_code == 302
    assert CityCommune.objects.get(insee="62510").city.slug == "lievin"
    assert City.objects.get(slug="lens").commune_codes == ["62498"]
    entry = AuditEntry.objects.get(action="city.communes_moved", city__slug="lens")
    assert entry.actor == operator.email and entry.details["to_slug"] == "lievin"


def test_the_city_page_lists_a_territory_s_communes(console):
    console.post(
        "/console/villes/nouvelle/",
        {**FORM, "insee": "62498", "other_communes": "62510", "name": "Lens", "slug": "lens"},
    )
    page = console.get("/console/villes/lens/").content.decode()
    assert "2 communes" in page and "62498, 62510" in page
