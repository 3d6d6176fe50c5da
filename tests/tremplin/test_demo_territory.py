"""The fourth demo tenant is a territory: several communes of one EPCI, seeded like the
three single-commune cities, its logins following the same pattern."""

from __future__ import annotations

import pytest
from tremplin.demo import DEMO_CITIES, _seed_city

from shared_apps.accounts.models import User
from shared_apps.geo.communes import commune_get
from tenant_apps.catalogue.models import Structure
from tenant_apps.youth.models import Neighbourhood
from tenants.context import in_city
from tenants.crosscity import run_in_city
from tenants.services import city_onboard


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_three_single_communes_and_one_territory_of_one_epci():
    single, territories = DEMO_CITIES[:3], DEMO_CITIES[3:]
    assert all(not d.communes for d in single) and len(territories) == 1
    territory = territories[0]
    assert len(territory.communes) >= 3 and territory.communes[0] == territory.insee
    assert len({commune_get(code).epci for code in territory.communes}) == 1


def test_the_territory_is_onboarded_and_seeded_like_the_others(db):
    demo = DEMO_CITIES[3]
    city = city_onboard(
        name=demo.name, slug=demo.slug, **demo.territory(),
        admin_email=f"staff@{demo.slug}.demo", primary_color=demo.primary_color,
    ).city  # fmt: skip
    assert city.commune_codes == list(demo.communes)
    run_in_city(city, _seed_city)
    with in_city(city):
        emails = set(User.objects.values_list("email", flat=True))
        assert {f"staff@{demo.slug}.demo", f"jeune@{demo.slug}.demo"} <= emails
        communes = set(Neighbourhood.objects.values_list("commune_insee", flat=True))
        assert communes == set(demo.communes)  # every commune has its quartiers
        assert set(Structure.objects.values_list("commune_insee", flat=True)) <= set(demo.communes)
