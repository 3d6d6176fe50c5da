"""The hourly rollup sends a task only to the cities whose rollup could change, and the rollups
it leaves are exactly those of the old run (one task per city, whatever it held)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.models import Role
from tenant_apps.analytics.models import Figure, Rollup
from tenant_apps.analytics.tasks import rollup, rollup_due, rollup_everywhere
from tenants.context import in_city

from .conftest import add_events, people


@pytest.fixture
def eager():
    from tremplin.celery import app

    previous, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = previous


def _due(today=None) -> list[str]:
    return [city.slug for city in rollup_due(today or timezone.localdate())]


def _stored(city) -> tuple[list, list]:
    with in_city(city):
        rollups = sorted(
            Rollup.objects.values_list(
                "period", "start", "neighbourhood", "is_qpv", "metric", "dimension", "key",
                "events", "people",
            )
        )  # fmt: skip
        figures = sorted(
            Figure.objects.values_list(
                "period", "start", "scope", "metric", "dimension", "key", "people", "hidden"
            )
        )
    return rollups, figures


def _wipe(city) -> None:
    with in_city(city):
        Rollup.objects.all().delete()
        Figure.objects.all().delete()


def _views(n: int, prefix: str, when=None) -> list[dict]:
    when = when or timezone.now()
    return [
        dict(at=when, kind="view", pseudonym=p, neighbourhood="nord") for p in people(n, prefix)
    ]


def test_cities_with_nothing_this_week_or_month_get_no_task(grigny, gennevilliers, noisy):
    assert _due() == []
    add_events(grigny, _views(3, "g"))
    assert _due() == ["grigny"]


def test_buffered_events_make_a_city_due(grigny, gennevilliers, noisy):
    from tenant_apps.analytics import recording

    line = json.dumps({"k": "view", "t": timezone.now().timestamp(), "p": people(1, "b")[0]})
    recording.redis_client().rpush(recording.buffer_key(noisy.schema_name), line)
    assert _due() == ["noisy-le-sec"]


def test_stored_rollups_of_the_period_make_a_city_due(grigny, gennevilliers, noisy):
    """Events gone (purged, erased) but last run's rollups still there: they must be replaced."""
    today = timezone.localdate()
    with in_city(gennevilliers):
        Rollup.objects.create(
            period="month", start=today.replace(day=1), neighbourhood="", metric="view",
            dimension="all", key="", events=1, people=1,
        )  # fmt: skip
    assert _due() == ["gennevilliers"]


def test_saves_and_registrations_make_a_city_due(grigny, gennevilliers, noisy, make_user):
    from tenant_apps.portal.models import Save

    user = make_user(grigny, "jeune@grigny.test", Role.YOUTH)
    with in_city(grigny):
        Save.objects.create(user=user, offer_id=uuid.uuid4())
    assert _due() == ["grigny"]


def test_last_months_events_do_not_make_a_city_due(grigny, gennevilliers, noisy):
    today = timezone.localdate()
    long_ago = timezone.now() - timedelta(days=70)
    add_events(grigny, _views(3, "o", when=long_ago))
    assert _due(today) == []


def test_a_city_of_another_status_is_never_due(grigny, gennevilliers, noisy):
    from tenants.models import CityStatus

    add_events(noisy, _views(3, "s"))
    noisy.status = CityStatus.SUSPENDED
    noisy.save(update_fields=["status"])
    assert _due() == []


def test_the_hourly_run_leaves_the_rollups_the_old_run_left(eager, grigny, gennevilliers, noisy):
    """Old run: every city's task, whatever it held. New run: only the due ones. Same tables."""
    today = timezone.localdate()
    add_events(grigny, _views(12, "a"))
    add_events(gennevilliers, _views(4, "c", when=timezone.now() - timedelta(days=70)))
    cities = (grigny, gennevilliers, noisy)
    for city in cities:
        with in_city(city):
            rollup(day=today.isoformat())
    before = {city.slug: _stored(city) for city in cities}
    assert before["grigny"][0] and before["grigny"][1]  # something to compare
    for city in cities:
        _wipe(city)

    assert rollup_everywhere() == 1  # grigny's task only
    assert {city.slug: _stored(city) for city in cities} == before
    # And again, as the next hour's run: rollups replaced, not added.
    assert rollup_everywhere() == 1
    assert {city.slug: _stored(city) for city in cities} == before


def test_the_nightly_run_still_visits_every_city(eager, grigny, gennevilliers, noisy):
    assert rollup_everywhere(snapshot=True) == 3
