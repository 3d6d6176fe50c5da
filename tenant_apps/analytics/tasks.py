"""Celery tasks of the diagnostic. Beat entries fan out to every active city; per-city work
runs in the city's schema."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from tenants.context import dangerously_all_cities

from . import recording, rollups

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def drain_events_everywhere() -> int:
    """Beat, every minute: move each city's Redis buffer into its events table."""
    total = 0
    for city in dangerously_all_cities():
        try:
            total += recording.drain(schema_name=city.schema_name)
        except Exception:  # one city never blocks the others
            logger.exception("Draining analytics events failed for %s", city.slug)
    return total


def city_rollup(*, city, day: date, snapshot: bool) -> None:
    """The day's (and its week's and month's) aggregates, the population snapshot, and the
    city's line in the operator's usage table. Runs in the city's schema."""
    from shared_apps.fleet.models import CityUsage

    rollups.rollup_day(day)
    if snapshot:
        rollups.population_snapshot(day=day, city=city)
        figures = rollups.usage_figures(today=day)
        # CityUsage lives in public, which is on every city's search_path: no switch needed.
        CityUsage.objects.update_or_create(city_id=city.pk, day=day, defaults=figures)


@shared_task(ignore_result=True)
def rollup_everywhere(snapshot: bool = False) -> int:
    """Beat: today's aggregates in every city (hourly); with snapshot=True (nightly), also
    yesterday's final figures, the population snapshot and non-recours."""
    today = timezone.localdate()
    done = 0
    for city in dangerously_all_cities():
        try:
            with transaction.atomic():
                recording.drain(schema_name=city.schema_name)
                if snapshot:
                    rollups.rollup_day(today - timedelta(days=1))
                city_rollup(city=city, day=today, snapshot=snapshot)
            done += 1
        except Exception:
            logger.exception("Analytics rollup failed for %s", city.slug)
    return done


@shared_task(ignore_result=True)
def purge_events_everywhere() -> int:
    """Beat, nightly: raw events older than 13 months are deleted; aggregates stay."""
    total = 0
    for _city in dangerously_all_cities():
        total += rollups.events_purge()
    return total


@shared_task(ignore_result=True)
def drain_events() -> int:
    """Drain the buffer of the city the task was sent from."""
    return recording.drain(schema_name=connection.schema_name)
