"""In a territory, a young person says which of its communes they live in (or « autre »);
a single-commune city asks as it always did. Eligibility reads the person's own commune."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tenant_apps.matching.candidates import _institution
from tenant_apps.matching.eligibility import Institution, evaluate_condition
from tenant_apps.matching.profiles import match_profile_from_row
from tenant_apps.youth.models import YouthProfile
from tenants.context import in_city

from ..territory import LENS, LENS_QPV, LIEVIN, LIEVIN_QPV
from .factories import PASSWORD, make_youth

TODAY = date(2026, 11, 22)


@pytest.fixture
def sam(lens_lievin, client_for):
    with in_city(lens_lievin):
        make_youth("sam@exemple.fr")
    client = client_for(lens_lievin)
    assert (
        client.post("/connexion/", {"username": "sam@exemple.fr", "password": PASSWORD}).status_code
        == 302
    )
    return client


def _profile(city) -> YouthProfile:
    with in_city(city):
        return YouthProfile.objects.select_related("neighbourhood").get(
            user__email="sam@exemple.fr"
        )


def test_the_place_step_offers_the_territory_communes_and_autre(sam):
    page = sam.get("/mon-profil/quartier/").content.decode()
    assert "Ta commune" in page
    assert f'value="{LENS}"' in page and f'value="{LIEVIN}"' in page and 'value="autre"' in page
    assert "Liévin — hors quartier prioritaire" in page
    assert "Cité 2 (Lens) — quartier prioritaire" in page


def test_choosing_a_member_commune_stores_it(sam, lens_lievin):
    response = sam.post("/mon-profil/quartier/", {"commune": LIEVIN, "neighbourhood": LIEVIN_QPV})
    assert response.status_code == 302
    profile = _profile(lens_lievin)
    assert profile.commune_insee == LIEVIN and profile.neighbourhood.code == LIEVIN_QPV
    page = sam.get("/mon-profil/quartier/").content.decode()
    assert f'value="{LIEVIN}" selected' in page


def test_autre_takes_the_commune_of_the_postal_code(sam, lens_lievin):
    response = sam.post("/mon-profil/quartier/", {"commune": "autre", "postal_code": "59000"})
    assert response.status_code == 302
    assert _profile(lens_lievin).commune_insee == "59350"  # Lille
    assert 'value="autre" selected' in sam.get("/mon-profil/quartier/").content.decode()


def test_a_quartier_of_another_commune_is_refused(sam, lens_lievin):
    response = sam.post("/mon-profil/quartier/", {"commune": LENS, "neighbourhood": LIEVIN_QPV})
    assert response.status_code == 200
    assert "Ce quartier est à Liévin, pas à Lens." in response.content.decode()
    assert _profile(lens_lievin).commune_insee == ""


def test_a_quartier_alone_says_the_commune(sam, lens_lievin):
    assert sam.post("/mon-profil/quartier/", {"neighbourhood": LENS_QPV}).status_code == 302
    assert _profile(lens_lievin).commune_insee == LENS


def test_a_single_commune_city_asks_no_commune(grigny, client_for):
    with in_city(grigny):
        make_youth("solo@exemple.fr")
    client = client_for(grigny)
    client.post("/connexion/", {"username": "solo@exemple.fr", "password": PASSWORD})
    page = client.get("/mon-profil/quartier/").content.decode()
    assert "Ta commune" not in page and "Hors quartier prioritaire" in page


def test_eligibility_reads_the_person_s_own_commune(sam, lens_lievin):
    sam.post("/mon-profil/quartier/", {"commune": LIEVIN})
    with in_city(lens_lievin):
        row = YouthProfile.objects.select_related("neighbourhood", "user").get(
            user__email="sam@exemple.fr"
        )
        engine = match_profile_from_row(row, today=TODAY, city=lens_lievin).engine
    assert engine.commune_insee == LIEVIN and engine.epci == "246200364"
    # A local aid of the territory is granted to any of its communes, not only the default.
    from tenant_apps.catalogue.models import Offer

    institution = _institution(Offer(title="Aide"), lens_lievin)
    assert institution == Institution("communes", f"{LENS} {LIEVIN}")
    attached = {"type": "attached_to_institution"}
    assert evaluate_condition(attached, engine, institution).value is True
    elsewhere = replace(engine, commune_insee="62041")  # Arras, outside the territory
    assert evaluate_condition(attached, elsewhere, institution).value is False


def test_the_quartiers_listed_are_those_of_the_chosen_commune(sam, lens_lievin):
    before = sam.get("/mon-profil/quartier/").content.decode()
    assert f'value="{LENS_QPV}"' in before and f'value="{LIEVIN_QPV}"' in before
    assert "Lens — hors quartier prioritaire" in before
    assert sam.post("/mon-profil/quartier/", {"commune": LIEVIN}).status_code == 302
    page = sam.get("/mon-profil/quartier/").content.decode()
    assert f'value="{LIEVIN_QPV}"' in page and f'value="{LENS_QPV}"' not in page
    assert "Ton quartier à Liévin" in page and "Lens — hors quartier prioritaire" not in page
    # Without JavaScript: a quartier of another commune is refused, and the page comes back
    # with the quartiers of the commune just chosen.
    wrong = sam.post("/mon-profil/quartier/", {"commune": LENS, "neighbourhood": LIEVIN_QPV})
    html = wrong.content.decode()
    assert "Ce quartier est à Liévin, pas à Lens." in html
    assert f'value="{LENS_QPV}"' in html and f'value="{LIEVIN_QPV}"' not in html
