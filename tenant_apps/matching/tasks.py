"""Celery tasks for matching. They run in the schema of the city that sent them."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_init
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


@shared_task(ignore_result=True, acks_late=True)
def rights_amounts_compute(inputs_list: list[dict]) -> int:
    """OpenFisca amounts for these profile versions (one vectorised simulation); the result
    lands in the cache where « Mes droits » reads it. Safe to run twice."""
    from .computed import results_compute

    return len(results_compute(inputs_list))


@worker_init.connect
def _load_openfisca_before_the_pool_forks(**kwargs) -> None:
    """A worker loads OpenFisca's tax-benefit system once, before its pool forks (the children
    share it), so the first person's amounts take a second or two, not ten."""
    from django.conf import settings

    if getattr(settings, "TREMPLIN_OPENFISCA_WARM_UP", True):
        from .openfisca.simulate import warm_up

        warm_up()
