"""Fixtures of the portal tests: a young person with a token, an event with few places."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.services import token_create
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer
from tests.tenant_apps.youth.factories import make_youth


@pytest.fixture
def event(grigny):
    with in_city(grigny):
        return make_offer(
            kind="evenement",
            title="Tournoi de futsal",
            capacity=2,
            starts_at=timezone.now() + timedelta(days=3),
            address="Gymnase Jean-Jaurès",
        )


@pytest.fixture
def youths(grigny):
    """Four young people of Grigny, with their API tokens."""
    with in_city(grigny):
        people = [make_youth(f"jeune{i}@grigny.test", display_name=f"J{i}") for i in range(4)]
        return [(p, token_create(user=p)) for p in people]


@pytest.fixture
def grigny_committed(committed):
    """Grigny for tests that commit (threads, a server process): no per-test transaction."""
    from tenants.models import City

    return City.objects.get(slug="grigny")
