"""Draining is exactly once: a failure at any step of a drain, or two drains overlapping,
loses no event and stores none twice (100 events in, exactly 100 rows)."""

from __future__ import annotations

import json

import pytest

from tenant_apps.analytics import recording
from tenant_apps.analytics.models import Event
from tenants.context import in_city

from ..catalogue.factories import make_offer
from .conftest import buffered

EVENTS = 100


class Crash(Exception):
    """The worker dies here (as far as the drain can tell)."""


@pytest.fixture
def hundred_views(grigny, client_for):
    """EVENTS offer views by one anonymous visitor, buffered in Redis."""
    with in_city(grigny):
        offer = make_offer(title="Atelier CV")
    client = client_for(grigny)
    for _ in range(EVENTS):
        assert client.get(f"/offres/{offer.pk}/").status_code == 200
    assert len(buffered(grigny)) == EVENTS
    return offer


def _crash_before(original):
    def step(*args, **kwargs):
        raise Crash

    return step


def _crash_after(original):
    def step(*args, **kwargs):
        original(*args, **kwargs)
        raise Crash

    return step


# step → (function of recording.py that fails, how, rows stored when it failed)
STEPS = {
    "before the insert": ("_insert", _crash_before, 0),
    "after the insert, before the commit": ("_insert", _crash_after, 0),
    "after the commit, before the trim": ("_acknowledge", _crash_before, EVENTS),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_failure_at_each_step_loses_nothing_and_stores_nothing_twice(
    step, grigny, hundred_views, monkeypatch
):
    name, crash, stored_by_the_crash = STEPS[step]
    monkeypatch.setattr(recording, name, crash(getattr(recording, name)))
    with in_city(grigny), pytest.raises(Crash):
        recording.drain()
    monkeypatch.undo()
    with in_city(grigny):
        assert Event.objects.count() == stored_by_the_crash
        assert len(buffered(grigny)) == EVENTS  # nothing acknowledged before its commit
        assert recording.drain() == EVENTS - stored_by_the_crash
        assert Event.objects.count() == EVENTS
        assert Event.objects.values("uid").distinct().count() == EVENTS
        assert recording.drain() == 0
        assert Event.objects.count() == EVENTS
    assert buffered(grigny) == []


def test_each_buffered_event_carries_its_own_id(grigny, client_for):
    with in_city(grigny):
        offers = [make_offer(title=f"Offre {i}") for i in range(3)]
    client_for(grigny).get("/offres/", {"q": "offre"})
    client_for(grigny).get(f"/offres/{offers[0].pk}/")
    ids = [json.loads(line)["i"] for line in buffered(grigny)]
    assert len(ids) >= 2 and len(set(ids)) == len(ids)
    with in_city(grigny):
        recording.drain()
        assert {str(u.hex) for u in Event.objects.values_list("uid", flat=True)} == set(ids)


def test_an_overlapping_drain_never_trims_what_it_did_not_store(
    grigny, client_for, hundred_views, monkeypatch
):
    """Drain A reads a batch; meanwhile (its lock expired) drain B stores and trims it, and
    more events arrive. A then stores nothing new and leaves the newcomers in the buffer."""
    client = client_for(grigny)
    store = recording._store
    overlapped = []

    def slow_store(lines):
        if not overlapped:
            overlapped.append(True)
            recording.platform_cache.delete(f"analytics:drain-lock:{grigny.schema_name}")
            assert recording.drain() == EVENTS  # drain B, start to end
            for _ in range(7):
                client.get(f"/offres/{hundred_views.pk}/")
        return store(lines)

    monkeypatch.setattr(recording, "_store", slow_store)
    with in_city(grigny):
        assert recording.drain() == 0  # drain A: its batch was B's
        assert Event.objects.count() == EVENTS
    assert len(buffered(grigny)) == 7
    monkeypatch.undo()
    with in_city(grigny):
        assert recording.drain() == 7
        assert Event.objects.count() == EVENTS + 7


def test_lines_buffered_before_ids_existed_are_stored_once(grigny):
    line = json.dumps({"k": "search", "t": 1767225600.5, "p": "a" * 32, "q": "velo", "n": 3})
    junk = [b"{not json", json.dumps({"k": "nothing", "t": 1}).encode(), b"[1, 2]"]
    key = recording.buffer_key(grigny.schema_name)
    recording.redis_client().rpush(key, line, *junk)
    with in_city(grigny):
        assert recording.drain() == 1
        recording.redis_client().rpush(key, line)  # the same line again (a replay)
        assert recording.drain() == 0
        assert Event.objects.get().query == "velo"
    assert buffered(grigny) == []


def test_a_line_with_an_unreadable_time_fails_the_drain_and_stays(grigny, hundred_views):
    """Nothing of the batch is stored or trimmed; once the line is gone, all 100 are."""
    key = recording.buffer_key(grigny.schema_name)
    poisoned = json.dumps({"k": "view", "t": "hier", "p": "b" * 32})
    recording.redis_client().rpush(key, poisoned)
    with in_city(grigny), pytest.raises(ValueError):
        recording.drain()
    with in_city(grigny):
        assert Event.objects.count() == 0
    assert len(buffered(grigny)) == EVENTS + 1
    recording.redis_client().lrem(key, 1, poisoned)
    with in_city(grigny):
        assert recording.drain() == EVENTS
