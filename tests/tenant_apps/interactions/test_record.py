"""The catalogue and matching record interactions through tenant_apps.interactions; analytics
is the recorder it hands them to, and without one a page works the same, recording nothing."""

from __future__ import annotations

import pytest

from tenant_apps import interactions
from tenant_apps.analytics import recording
from tenants.context import in_city

from ..catalogue.factories import make_offer


@pytest.fixture
def buffer_length(grigny):
    client, key = recording.redis_client(), recording.buffer_key(grigny.schema_name)
    client.delete(key)
    yield lambda: client.llen(key)
    client.delete(key)


@pytest.fixture
def no_recorder():
    registered = interactions.recorder()
    interactions.recorder_register(None)
    yield
    interactions.recorder_register(registered)


def test_analytics_registers_its_recorder():
    assert interactions.recorder() is recording.record


def test_an_offer_page_view_reaches_the_analytics_buffer(grigny, client_for, buffer_length):
    with in_city(grigny):
        offer = make_offer(title="Bourse permis")
    assert client_for(grigny).get(f"/offres/{offer.pk}/").status_code == 200
    assert buffer_length() == 1


def test_without_a_recorder_nothing_is_recorded(grigny, client_for, buffer_length, no_recorder):
    with in_city(grigny):
        offer = make_offer(title="Bourse permis")
    interactions.record(None, "view", offer=offer)
    assert client_for(grigny).get(f"/offres/{offer.pk}/").status_code == 200
    assert buffer_length() == 0
