"""One task per city through a REAL Celery worker: the analytics drain's beat task sends each
city its own task, which runs in that city's schema; a city whose task fails fails alone."""

from __future__ import annotations

import json
import time

import pytest

from tenant_apps.analytics import recording
from tenant_apps.analytics.models import Event
from tenant_apps.analytics.tasks import drain_events_everywhere
from tenants.context import in_city
from tenants.models import City

PSEUDONYM = "crosscity-worker-test".ljust(32, "0")


@pytest.mark.worker
def test_each_city_drains_in_its_own_task_and_a_failing_one_fails_alone(committed, celery_worker):
    grigny = City.objects.get(slug="grigny")
    gennevilliers = City.objects.get(slug="gennevilliers")
    client = recording.redis_client()
    good = json.dumps({"k": "view", "t": round(time.time(), 3), "p": PSEUDONYM})
    poisoned = json.dumps({"k": "view", "t": "not a time", "p": PSEUDONYM})  # drain raises
    keys = [recording.buffer_key(city.schema_name) for city in (grigny, gennevilliers)]
    client.delete(*keys)
    client.rpush(recording.buffer_key(gennevilliers.schema_name), poisoned)  # sent first
    client.rpush(recording.buffer_key(grigny.schema_name), good)
    try:
        assert drain_events_everywhere() == City.objects.filter(status="active").count()
        deadline = time.monotonic() + 30
        while True:
            with in_city(grigny):
                if Event.objects.filter(pseudonym=PSEUDONYM).exists():
                    break
            assert time.monotonic() < deadline, "the worker never drained grigny's buffer"
            time.sleep(0.2)
        assert client.lrange(recording.buffer_key(grigny.schema_name), 0, -1) == []
        # Gennevilliers' task failed before grigny's ran: its line is kept, nothing stored.
        assert client.lrange(recording.buffer_key(gennevilliers.schema_name), 0, -1) == [
            poisoned.encode()
        ]
        with in_city(gennevilliers):
            assert not Event.objects.filter(pseudonym=PSEUDONYM).exists()
    finally:
        client.delete(*keys)
        for city in (grigny, gennevilliers):
            with in_city(city):
                Event.objects.filter(pseudonym=PSEUDONYM).delete()
