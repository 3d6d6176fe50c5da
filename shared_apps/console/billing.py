"""What the console shows about plans and billing, read defensively from shared_apps.billing.

The billing app is built alongside the console; until it is installed (or when it lacks a
function), the console shows "—" and accepts a free-text plan recorded in the audit log.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from kernel.errors import Conflict

from tenants.models import City

logger = logging.getLogger(__name__)
MISSING = "—"


@dataclass(frozen=True)
class BillingSummary:
    plan: str = MISSING
    state: str = MISSING
    plan_key: str = ""
    state_key: str = ""  # "none", "trialing", "active", "past_due", "canceled"…; "" = unknown
    grace_until: datetime | None = None
    trial_end: datetime | None = None
    current_period_end: datetime | None = None

    @property
    def subscribed(self) -> bool:
        """A subscription is running: the city's admin manages it in the Billing Portal."""
        return self.state_key in ("trialing", "active", "past_due")


def _billing_module(name: str):
    if not apps.is_installed("shared_apps.billing"):
        return None
    try:
        return importlib.import_module(f"shared_apps.billing.{name}")
    except ImportError:
        return None


def billing_summary(city: City) -> BillingSummary:
    """Plan and billing state of `city`, or "—" for whatever billing cannot tell yet."""
    selectors = _billing_module("selectors")
    for name in ("city_billing_summary", "billing_summary_for_city", "city_billing_get"):
        function = getattr(selectors, name, None) if selectors else None
        if function is None:
            continue
        try:
            found = function(city=city)
        except Exception:  # billing must never break the console
            logger.exception("Billing summary failed for %s", city.slug)
            return BillingSummary()
        if found is None:
            return BillingSummary()
        plan = getattr(found, "plan", None)
        plan = getattr(plan, "name", None) or getattr(plan, "key", None) or plan
        state = getattr(found, "get_state_display", None)
        state = state() if callable(state) else getattr(found, "state", None)
        key = str(plan or "")
        labels = dict(plan_choices())
        plan = labels.get(key, plan) if plan else None
        return BillingSummary(
            plan=str(plan or MISSING),
            plan_key=key,
            state=str(state or MISSING),
            state_key=str(getattr(found, "state", "") or ""),
            grace_until=getattr(found, "grace_until", None),
            trial_end=getattr(found, "trial_end", None),
            current_period_end=getattr(found, "current_period_end", None),
        )
    return BillingSummary()


def plan_choices() -> list[tuple[str, str]]:
    """(key, label) of the plans an operator may pick; empty = free text."""
    selectors = _billing_module("selectors")
    function = getattr(selectors, "plan_choices", None) if selectors else None
    if function is not None:
        try:
            return [(str(k), str(v)) for k, v in function()]
        except Exception:
            logger.exception("Billing plan choices failed")
    plans = getattr(settings, "TREMPLIN_PLANS", None) or getattr(settings, "BILLING_PLANS", None)
    if isinstance(plans, dict):
        return [
            (str(key), str(value.get("label", key) if isinstance(value, dict) else value))
            for key, value in plans.items()
        ]
    if isinstance(plans, list | tuple):
        return [(str(p[0]), str(p[1])) if isinstance(p, list | tuple) else (p, p) for p in plans]
    return []


def checkout_url(*, city: City, plan: str, by: str, back_url: str) -> str:
    """Open a Stripe Checkout Session for `city` through billing; returns the URL to send to.

    `back_url` is where Stripe sends the operator afterwards (with ?paiement=ok|annule).
    """
    services = _billing_module("services")
    function = getattr(services, "checkout_session_create", None) if services else None
    if function is None:
        raise Conflict("La facturation n'est pas installée sur cette plateforme.")
    return function(
        city=city,
        plan=plan,
        by=by,
        success_url=back_url + "?paiement=ok",
        cancel_url=back_url + "?paiement=annule",
    )
