"""A territory city for tests: Lens and Liévin (CA de Lens - Liévin) as one tenant."""

from __future__ import annotations

import pytest

from tenants.models import City
from tenants.services import city_onboard

LENS, LIEVIN = "62498", "62510"
LENS_QPV, LIEVIN_QPV = "qn06226m", "qn06228m"  # Cité 2 (Lens), Calonne… (Liévin)


@pytest.fixture
def lens_lievin(db) -> City:
    """Onboarded in the test's transaction (rolled back with it)."""
    city = city_onboard(
        name="Lens-Liévin", slug="lens-lievin", communes=[LENS, LIEVIN],
        admin_email="staff@lens-lievin.test",
    ).city  # fmt: skip
    return City.objects.prefetch_related("domains").get(pk=city.pk)
