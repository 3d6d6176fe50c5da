"""Celery tasks of the portal. They run in the schema of the city that sent them."""

from __future__ import annotations

from celery import shared_task

from tenants.context import dangerously_all_cities

from . import notifications


@shared_task(ignore_result=True)
def send_event_reminders_everywhere() -> int:
    """Beat: every morning, remind each city's registered young people of tomorrow's events."""
    total = 0
    for city in dangerously_all_cities():
        total += notifications.send_event_reminders(city=city)
    return total
