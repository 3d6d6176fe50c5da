"""Demo content: 20+ published offers of every kind per city, structures, upcoming events."""

from __future__ import annotations

from tenant_apps.catalogue.demo import catalogue_demo_seed
from tenant_apps.catalogue.models import OfferKind, Structure
from tenant_apps.catalogue.selectors import OfferFilters, offer_list_for_city
from tenants.context import in_city


def test_demo_seed_is_rich_and_idempotent(grigny):
    with in_city(grigny):
        first = catalogue_demo_seed(grigny)
        assert first.rejected == 0, first.rejections[:3]
        for kind in OfferKind.values:
            assert offer_list_for_city(filters=OfferFilters(kind=kind)).count() >= 20
        assert Structure.objects.count() >= 3
        assert offer_list_for_city(filters=OfferFilters(q="futsal")).count() > 0
        again = catalogue_demo_seed(grigny)
    assert again.created == again.updated == 0 and again.unchanged == first.created


def test_demo_structures_offer_the_driving_licence_service_once(grigny, noisy, api_for):
    """« Préparer un permis » has a structure with room in each demo city, and restarting the
    demo neither duplicates it nor resets figures a partner changed."""
    from tenant_apps.catalogue.models import StructureService

    permis = "mobilite--preparer-un-permis"
    for city in (grigny, noisy):
        with in_city(city):
            catalogue_demo_seed(city)
            rows = StructureService.objects.filter(theme=permis)
            assert rows.count() == 2 and rows.filter(places_available__gt=0).exists()
            assert all(r.next_availability for r in rows)
            StructureService.objects.filter(theme=permis, places_available__gt=0).update(
                places_available=1
            )
            catalogue_demo_seed(city)
            assert rows.count() == 2 and rows.filter(places_available=1).count() == 1
        found = api_for(city).get("/api/v1/services/", {"q": "permis"}).json()
        items = found.get("results", found)
        permis_rows = [i for i in items if i["label"] == "Préparer un permis"]
        assert [i["places_available"] for i in permis_rows] == [1, 0]  # room first
