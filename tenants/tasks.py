"""Celery tasks for cities. They take ids and call services."""

from __future__ import annotations

from celery import shared_task

from . import provisioning
from .services import city_provision_or_fail, city_provisioning_resume_stalled


@shared_task(bind=True, max_retries=2, default_retry_delay=10)
def provision_city(self, city_id: int, primary_color: str | None = None) -> str:
    """Create a registered city's schema; safe to run twice (provisioning is idempotent)."""
    city = city_provision_or_fail(city_id=city_id, primary_color=primary_color)
    return city.status


@shared_task(ignore_result=True)
def refill_spare_schemas() -> int:
    """Keep copies of the template ready so the next onboardings are a rename."""
    return provisioning.spare_pool_refill()


@shared_task(ignore_result=True)
def resume_stalled_provisioning() -> dict[str, str]:
    """Finish (or roll back) the onboardings a dead worker or a lost task left half-way."""
    return city_provisioning_resume_stalled()
