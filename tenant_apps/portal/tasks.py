"""Celery tasks of the portal. They run in the schema of the city that sent them."""

from __future__ import annotations

from celery import shared_task

from tenants.crosscity import run_in_each_city

from . import notifications


@shared_task(ignore_result=True)
def send_event_reminders_everywhere() -> int:
    """Beat: every morning, remind each city's registered young people of tomorrow's events
    (a city that fails is reported; the others are still reminded)."""
    # Not atomic: a reminder sent is marked at once, so a failure later never sends it twice.
    report = run_in_each_city(
        lambda city: notifications.send_event_reminders(city=city),
        label="event reminders",
        atomic=False,
    )
    return report.total()
