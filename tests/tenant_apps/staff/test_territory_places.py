"""Offers and structures of a city stand in one of its communes: a typed address elsewhere is
refused with the reason, in a single commune city as in a territory."""

from __future__ import annotations

import pytest

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.models import Offer
from tenant_apps.staff.forms import StructureForm
from tenants.context import in_city

from ..territory import LIEVIN


@pytest.fixture
def editor_of(client_for, make_user):
    def make(city):
        user = make_user(city, f"editor@{city.slug}.test", Role.EDITOR)
        client = client_for(city)
        with in_city(city):
            client.force_login(user)
        return client

    return make


def _post(client, title: str, postal_code: str, insee: str = ""):
    return client.post(
        "/staff/offres/nouvelle/?type=service",
        {"kind": "service", "title": title, "postal_code": postal_code, "commune_insee": insee},
    )


def test_an_offer_in_a_member_commune_is_located_there(editor_of, lens_lievin):
    assert _post(editor_of(lens_lievin), "Permanence Liévin", "62800").status_code == 302
    with in_city(lens_lievin):
        assert Offer.objects.get(title="Permanence Liévin").commune_insee == LIEVIN


def test_an_offer_outside_the_territory_is_refused(editor_of, lens_lievin, grigny):
    response = _post(editor_of(lens_lievin), "Permanence Arras", "62000", "62041")
    assert response.status_code == 200
    assert "Arras n&#x27;est pas l&#x27;une des communes du territoire de Lens-Liévin" in (
        response.content.decode()
    )
    response = _post(editor_of(grigny), "Permanence Lens", "62300", "62498")
    assert "Lens n&#x27;est pas sur le territoire de Grigny" in response.content.decode()
    with in_city(lens_lievin):
        assert not Offer.objects.filter(title="Permanence Arras").exists()


def test_a_structure_outside_the_territory_is_refused(lens_lievin):
    with in_city(lens_lievin):
        inside = StructureForm({"name": "Mission locale", "typology": "ML", "postal_code": "62800"})
        outside = StructureForm(
            {"name": "CIO", "typology": "CIO", "postal_code": "91350", "commune_insee": "91286"}
        )
        assert "postal_code" not in inside.errors and "commune_insee" not in inside.errors
        assert "n'est pas l'une des communes du territoire" in outside.errors["commune_insee"][0]
