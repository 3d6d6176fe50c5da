"""Celery tasks of the diagnostic. Beat entries fan out one task per active city
(tenants.crosscity); each runs in its city's schema and fails alone."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.db import connection, transaction
from kernel.clock import local_today

from tenants.crosscity import ACTIVE, cities_where, send_to_each_city
from tenants.models import City

from . import nonrecours, recording, rollups


@shared_task(ignore_result=True)
def drain_events_everywhere() -> int:
    """Beat, every minute: each city's task moves its Redis buffer into its events table.
    Returns the number of tasks sent."""
    return len(send_to_each_city(drain_events).succeeded)


def city_rollup(*, city, day: date, snapshot: bool) -> None:
    """The day's (and its week's and month's) aggregates, the population snapshot, and the
    city's line in the operator's usage table. Runs in the city's schema."""
    from shared_apps.fleet.models import CityUsage

    rollups.rollup_day(day)
    if snapshot:
        rollups.population_snapshot(day=day)
        figures = rollups.usage_figures(today=day)
        # CityUsage lives in public, which is on every city's search_path: no switch needed.
        CityUsage.objects.update_or_create(city_id=city.pk, day=day, defaults=figures)


@shared_task(ignore_result=True)
def rollup_everywhere(snapshot: bool = False) -> int:
    """Beat: today's aggregates in every city (hourly); with snapshot=True (nightly), also
    yesterday's final figures and the population snapshot (non-recours is its own task, below).
    The hourly run sends a task only to the cities whose rollup could change (`rollup_due`):
    a city with nothing this week or month costs a branch of one query, not a task.
    Returns the number of city tasks sent."""
    today = local_today()  # the beat's day, even if a city's task starts after midnight
    kwargs = {"day": today.isoformat(), "snapshot": snapshot}
    if snapshot:  # every city: its population snapshot and usage line are written each night
        return len(send_to_each_city(rollup, kwargs=kwargs).succeeded)
    return len(send_to_each_city(rollup, kwargs=kwargs, cities=rollup_due(today)).succeeded)


def rollup_due(day: date) -> list[City]:
    """The active cities whose hourly rollup of `day` could change something: events still
    in their Redis buffer, or anything rollup_day reads or replaces (rollups.py). For the
    others the task would delete nothing and write nothing."""
    condition, params = rollups.rollup_day_changes_sql(day)
    cities = list(City.objects.filter(status__in=ACTIVE))
    buffered = recording.buffered_schemas([city.schema_name for city in cities])
    due = {city.pk for city in cities if city.schema_name in buffered}
    quiet = [city for city in cities if city.pk not in due]
    due |= {city.pk for city in cities_where(condition, params=params, cities=quiet)}
    return [city for city in cities if city.pk in due]


@shared_task(ignore_result=True)
def rollup(day: str, snapshot: bool = False) -> None:
    """The rollup of `rollup_everywhere` for the city the task was sent for."""
    today = date.fromisoformat(day)
    # Drained first, outside the rollup's transaction: drain acknowledges (trims) the buffer
    # after each batch is committed, so a failed rollup must not roll stored events back.
    recording.drain(schema_name=connection.schema_name)
    with transaction.atomic():
        if snapshot:
            rollups.rollup_day(today - timedelta(days=1))
        city_rollup(city=connection.tenant, day=today, snapshot=snapshot)


@shared_task(ignore_result=True)
def nonrecours_everywhere() -> int:
    """Beat, nightly: every young person's rights evaluated in each city, for non-recours in
    euros. Returns the number of city tasks sent."""
    today = local_today()
    return len(send_to_each_city(nonrecours_snapshot, kwargs={"day": today.isoformat()}).succeeded)


@shared_task(ignore_result=True)
def nonrecours_snapshot(day: str) -> int:
    """The non-recours of `nonrecours_everywhere` for the city the task was sent for (the
    day replaced if it ran before). Returns the young people evaluated."""
    snapshot = nonrecours.nonrecours_snapshot_take(
        city=connection.tenant, day=date.fromisoformat(day)
    )
    return snapshot.people


@shared_task(ignore_result=True)
def purge_events_everywhere() -> int:
    """Beat, nightly: raw events older than 13 months are deleted; aggregates stay.
    Returns the number of city tasks sent."""
    return len(send_to_each_city(purge_events).succeeded)


@shared_task(ignore_result=True)
def purge_events() -> int:
    """The purge of the city the task was sent for."""
    return rollups.events_purge()


@shared_task(ignore_result=True)
def drain_events() -> int:
    """Drain the buffer of the city the task was sent from."""
    return recording.drain(schema_name=connection.schema_name)
