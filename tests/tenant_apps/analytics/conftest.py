"""Analytics fixtures: an empty buffer per test, young people with profiles, raw events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tenant_apps.analytics import recording
from tenant_apps.analytics.models import Event
from tenants.context import in_city


@pytest.fixture(autouse=True)
def _empty_buffers(db):
    from tenants.models import City

    client = recording.redis_client()
    keys = [recording.buffer_key(c.schema_name) for c in City.objects.all()]
    client.delete(*keys)
    yield
    client.delete(*keys)


def buffered(city) -> list[bytes]:
    return recording.redis_client().lrange(recording.buffer_key(city.schema_name), 0, -1)


def add_events(city, rows: list[dict]) -> None:
    """Raw events straight into the table (what drain would have stored)."""
    with in_city(city):
        Event.objects.bulk_create([Event(**row) for row in rows])


def at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def people(n: int, prefix: str) -> list[str]:
    return [f"{prefix}{i:030d}"[:32] for i in range(n)]


@pytest.fixture
def signed_in(client_for, make_user):
    """signed_in(city, role) -> a client with a session of a new user of that role."""

    def make(city, role, email=None):
        user = make_user(city, email or f"{role}@{city.slug}.test", role)
        client = client_for(city)
        with in_city(city):  # the session lives in the city's schema
            client.force_login(user)
        return client

    return make
