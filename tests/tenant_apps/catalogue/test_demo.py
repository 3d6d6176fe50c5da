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
