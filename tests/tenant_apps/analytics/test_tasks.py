"""The diagnostic's beat tasks send one task per active city; each city's task drains its
buffer, then rolls up the day the beat asked for, in its own schema."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from shared_apps.fleet.models import CityUsage
from tenant_apps.analytics.models import Event, Rollup
from tenant_apps.analytics.tasks import purge_events_everywhere, rollup, rollup_everywhere
from tenants.context import in_city

from .conftest import add_events, at, buffered, people


@pytest.fixture
def eager():
    """Tasks run where they are sent, in this test's transaction (the worker's own run is
    tests/tenants/test_crosscity_worker.py)."""
    from tremplin.celery import app

    previous, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = previous


def _buffer(city, when: datetime, pseudonym: str) -> None:
    from tenant_apps.analytics import recording

    line = json.dumps({"k": "view", "t": when.timestamp(), "p": pseudonym})
    recording.redis_client().rpush(recording.buffer_key(city.schema_name), line)


def test_a_city_rollup_drains_then_rolls_up_the_day_it_was_sent_for(grigny):
    _buffer(grigny, datetime(2025, 3, 10, 12, tzinfo=UTC), people(1, "r")[0])
    with in_city(grigny):
        rollup(day="2025-03-10", snapshot=True)
        assert Event.objects.filter(at__date=date(2025, 3, 10)).count() == 1
        assert Rollup.objects.filter(period="day", start=date(2025, 3, 10)).exists()
    assert buffered(grigny) == []
    assert CityUsage.objects.filter(city=grigny, day=date(2025, 3, 10)).exists()


def test_the_nightly_beat_rolls_up_every_active_city(eager, grigny, gennevilliers, noisy):
    today = timezone.localdate()
    assert rollup_everywhere(snapshot=True) == 3
    assert set(CityUsage.objects.filter(day=today).values_list("city__slug", flat=True)) == {
        "grigny",
        "gennevilliers",
        "noisy-le-sec",
    }


def test_the_purge_beat_purges_every_active_city(eager, grigny, gennevilliers):
    for city in (grigny, gennevilliers):
        add_events(city, [dict(at=at(2020, 1), kind="view", pseudonym=people(1, "old")[0])])
    assert purge_events_everywhere() == 3
    for city in (grigny, gennevilliers):
        with in_city(city):
            assert not Event.objects.exists()
