"""Celery tasks for matching. They run in the schema of the city that sent them."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from tenants.crosscity import run_in_each_city

from . import notifications


@shared_task(ignore_result=True, acks_late=True)
def notify_offer_published(offer_id: str) -> int:
    """Sent by the catalogue when an offer is published, from the city's schema."""
    import uuid

    return notifications.notify_offer_published(
        city=connection.tenant, offer_id=uuid.UUID(offer_id)
    )


@shared_task(ignore_result=True)
def send_weekly_digests_everywhere() -> int:
    """Beat: once a week, every active city's digests (each city in its own schema; a city
    that fails is reported and the others still get theirs)."""
    # Not atomic: a digest sent is marked at once, so a failure later never sends it twice.
    report = run_in_each_city(
        lambda city: notifications.send_weekly_digests(city=city),
        label="weekly digests",
        atomic=False,
    )
    return report.total()


@shared_task(ignore_result=True)
def send_booking_reminders_everywhere() -> int:
    """Beat: every morning, remind each city's young people and advisors of tomorrow's
    appointments, with the place (a city that fails is reported; the others are reminded)."""
    # Not atomic: each reminder is marked before it is sent, so a rerun never sends it twice.
    report = run_in_each_city(
        lambda city: notifications.send_booking_reminders(city=city),
        label="booking reminders",
        atomic=False,
    )
    return report.total()


@shared_task(ignore_result=True, acks_late=True)
def rights_amounts_compute(inputs_list: list[dict]) -> int:
    """OpenFisca amounts for these profile versions (one vectorised simulation); the result
    lands in the cache where « Mes droits » reads it. Safe to run twice."""
    from .computed import results_compute

    return len(results_compute(inputs_list))


def openfisca_warm_up() -> None:
    """Load OpenFisca's tax-benefit system and prepare its formulas in this process (about
    10 s), so that the first person's amounts take a second or two. The Celery app calls this
    when a worker starts, before its pool forks: the children share what was loaded."""
    from django.conf import settings

    if getattr(settings, "TREMPLIN_OPENFISCA_WARM_UP", True):
        from .openfisca.simulate import warm_up

        warm_up()


@shared_task(ignore_result=True, acks_late=True)
def push_deliver(message_ids: list[int]) -> int:
    """Push these inbox messages to their owners' phones (push.py), in the city's schema."""
    from . import push

    return push.deliver(city=connection.tenant, message_ids=message_ids)
