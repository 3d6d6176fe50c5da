"""The merged catalogue a city shows: search, filters, ranking, national settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.selectors import OfferFilters, offer_get_for_city, offer_list_for_city
from tenant_apps.catalogue.services import national_offer_setting_update
from tenants.context import in_city

from .factories import make_national, make_offer, make_structure

GRIGNY = (48.6536, 2.3930)
EVRY = (48.6290, 2.4410)  # ~4.5 km from Grigny
LILLE = (50.6292, 3.0573)


def titles(filters: OfferFilters, city) -> list[str]:
    with in_city(city):
        return [hit.offer.title for hit in offer_list_for_city(filters=filters)[:100]]


def test_accent_and_case_insensitive_stemmed_search(grigny):
    with in_city(grigny):
        make_offer(title="Aide au permis de conduire", themes=["mobilite"])
        make_offer(title="Atelier mobilité douce", kind="service")
        make_offer(title="Job d'été à la piscine", kind="emploi")
    assert titles(OfferFilters(q="permis"), grigny) == ["Aide au permis de conduire"]
    assert "Atelier mobilité douce" in titles(OfferFilters(q="MOBILITE"), grigny)
    assert titles(OfferFilters(q="piscines"), grigny) == ["Job d'été à la piscine"]
    assert titles(OfferFilters(q="été"), grigny) == ["Job d'été à la piscine"]


def test_search_finds_structure_name_and_theme_label(grigny):
    with in_city(grigny):
        ml = make_structure(name="Mission locale Nord Essonne")
        make_offer(title="Accompagnement CV", kind="service", structure=ml)
        make_offer(title="Coup de pouce", themes=["logement-hebergement"])
    assert titles(OfferFilters(q="mission locale"), grigny) == ["Accompagnement CV"]
    assert titles(OfferFilters(q="hebergement"), grigny) == ["Coup de pouce"]


def test_only_published_and_visible_offers(grigny):
    now = timezone.now()
    with in_city(grigny):
        make_offer(title="Visible")
        make_offer(title="Brouillon", status="draft")
        make_offer(title="Archivée", status="archived")
        make_offer(title="Plus tard", publish_from=now + timedelta(days=2))
        make_offer(title="Expirée", publish_until=now - timedelta(days=1))
        make_offer(
            title="Concert passé", kind="evenement", starts_at=now - timedelta(days=3),
        )  # fmt: skip
    assert titles(OfferFilters(), grigny) == ["Visible"]


def test_filters_kind_theme_free_and_dates(grigny):
    soon = timezone.now() + timedelta(days=3)
    with in_city(grigny):
        make_offer(title="Aide vélo", themes=["mobilite--acceder-a-un-vehicule"])
        make_offer(title="Tournoi foot", kind="evenement", themes=["sport"], starts_at=soon)
        make_offer(
            title="Gala payant", kind="evenement", starts_at=soon + timedelta(days=30),
            is_free=False, price_eur=12,
        )  # fmt: skip
    assert set(titles(OfferFilters(kind="evenement"), grigny)) == {"Tournoi foot", "Gala payant"}
    assert titles(OfferFilters(theme="mobilite"), grigny) == ["Aide vélo"]
    assert titles(OfferFilters(theme="sport"), grigny) == ["Tournoi foot"]
    assert "Gala payant" not in titles(OfferFilters(free_only=True), grigny)
    window = OfferFilters(date_from=soon.date(), date_to=soon.date() + timedelta(days=1))
    assert titles(window, grigny) == ["Tournoi foot"]
    assert titles(OfferFilters(date_from=date(2000, 1, 1), date_to=date(2000, 1, 2)), grigny) == []


def test_near_filters_by_radius_and_sorts_by_distance(grigny):
    with in_city(grigny):
        make_offer(title="À Évry", latitude=EVRY[0], longitude=EVRY[1])
        make_offer(title="À Grigny", latitude=GRIGNY[0], longitude=GRIGNY[1])
        make_offer(title="À Lille", latitude=LILLE[0], longitude=LILLE[1])
        make_offer(title="En ligne", is_remote=True)
    near = titles(OfferFilters(near=GRIGNY, radius_km=10), grigny)
    assert near == ["À Grigny", "À Évry", "En ligne"]
    assert titles(OfferFilters(near=GRIGNY, radius_km=1), grigny) == ["À Grigny", "En ligne"]
    with in_city(grigny):
        hits = offer_list_for_city(filters=OfferFilters(near=GRIGNY))[:10]
    assert [h.offer.title for h in hits][:3] == ["À Grigny", "À Évry", "À Lille"]
    assert 4 < hits[1].distance_km < 5


def test_relevance_first_then_distance(grigny):
    with in_city(grigny):
        make_offer(title="Permis", summary="permis permis", latitude=LILLE[0], longitude=LILLE[1])
        make_offer(title="Stage", summary="permis", latitude=GRIGNY[0], longitude=GRIGNY[1])
    assert titles(OfferFilters(q="permis", near=GRIGNY), grigny)[0] == "Permis"


def test_national_offers_merged_hidden_and_pinned_per_city(grigny, gennevilliers, make_user):
    bafa = make_national(title="Aide au BAFA")
    service_civique = make_national(title="Service civique", kind="service")
    with in_city(grigny):
        make_offer(title="Aide locale")
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    with in_city(grigny):
        national_offer_setting_update(national_offer_id=bafa.id, by=admin, hidden=True)
        national_offer_setting_update(
            national_offer_id=service_civique.id, by=admin, pinned=True, local_note="Au PIJ"
        )
        hits = offer_list_for_city(filters=OfferFilters())[:10]
        assert offer_get_for_city(offer_id=bafa.id) is None
    assert [h.offer.title for h in hits] == ["Service civique", "Aide locale"]
    assert hits[0].is_national and hits[0].pinned and hits[0].local_note == "Au PIJ"
    assert not hits[1].is_national
    # Hidden in Grigny only.
    assert set(titles(OfferFilters(), gennevilliers)) == {"Aide au BAFA", "Service civique"}


def test_national_offers_only_where_they_apply(grigny, gennevilliers):
    make_national(title="Aide Essonne", scope="departemental", departement_codes=["91"])
    make_national(title="Aide Hauts-de-Seine", scope="departemental", departement_codes=["92"])
    make_national(title="Aide Île-de-France", scope="regional", region_codes=["11"])
    assert set(titles(OfferFilters(), grigny)) == {"Aide Essonne", "Aide Île-de-France"}
    assert set(titles(OfferFilters(), gennevilliers)) == {
        "Aide Hauts-de-Seine",
        "Aide Île-de-France",
    }


def test_another_citys_offers_are_invisible(grigny, gennevilliers):
    with in_city(grigny):
        secret = make_offer(title="Chantier jeunes Grigny")
    assert titles(OfferFilters(q="chantier"), gennevilliers) == []
    with in_city(gennevilliers):
        assert offer_get_for_city(offer_id=secret.id) is None


@pytest.mark.parametrize("q", ["le", "   ", "&|!"])
def test_odd_queries_do_not_crash(grigny, q):
    with in_city(grigny):
        make_offer(title="Aide")
    titles(OfferFilters(q=q), grigny)
