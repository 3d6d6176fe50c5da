"""The portal's demo content is idempotent and makes the pages look alive."""

from __future__ import annotations

from tenant_apps.portal.demo import portal_demo_seed
from tenant_apps.portal.models import Inspiration, Registration, Save
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer
from tests.tenant_apps.youth.factories import make_youth


def test_demo_seed_twice_gives_the_same_content(client_for, grigny):
    with in_city(grigny):
        make_youth("jeune@grigny.demo")
        for i in range(3):
            make_offer(kind="evenement", title=f"Événement {i}")
        portal_demo_seed(grigny, youth_email="jeune@grigny.demo")
        portal_demo_seed(grigny, youth_email="jeune@grigny.demo")
        assert Inspiration.objects.filter(status="published").count() == 3
        assert Registration.objects.filter(status="registered").count() == 2
        assert Save.objects.count() == 1
    assert "Le permis grâce aux aides" in client_for(grigny).get("/inspirations/").content.decode()
