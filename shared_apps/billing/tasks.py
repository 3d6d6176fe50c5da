"""Celery tasks for billing. They take ids and call services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def process_stripe_event(self, event_pk: int) -> str:
    """Apply one stored Stripe event to its city's billing state (safe to run twice)."""
    return services.stripe_event_process(event_pk=event_pk)


@shared_task(ignore_result=True)
def suspend_overdue_cities() -> list[str]:
    """Beat: suspend the cities still past due after their grace period."""
    return services.billing_suspend_overdue()


@shared_task(ignore_result=True)
def apply_plan_downgrades() -> list[str]:
    """Beat: withdraw the features a downgrade dropped, once the paid period has ended."""
    return services.plan_downgrades_apply()
