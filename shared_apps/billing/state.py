"""A city's billing state, computed from the Stripe events received for it.

Webhooks arrive late, twice and out of order. Instead of applying each event as a transition
to whatever state the city is in, the state is a fold over ALL the city's stored events sorted
by Stripe's `created` time: the same events always give the same state, whatever order they
came in. Events sharing a second are ordered by the state they lead to (incomplete, trialing,
active, past due, canceled), which is the order Stripe produces them in within one operation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from .models import BillingState

# Stripe subscription statuses → our states. unpaid and paused mean "not paying": they follow
# the past-due path (grace period, then suspension).
STRIPE_STATUSES = {
    "incomplete": BillingState.INCOMPLETE,
    "incomplete_expired": BillingState.CANCELED,
    "trialing": BillingState.TRIALING,
    "active": BillingState.ACTIVE,
    "past_due": BillingState.PAST_DUE,
    "unpaid": BillingState.PAST_DUE,
    "paused": BillingState.PAST_DUE,
    "canceled": BillingState.CANCELED,
}
RANK = {
    None: -1,
    BillingState.NONE: 0,
    BillingState.INCOMPLETE: 1,
    BillingState.TRIALING: 2,
    BillingState.ACTIVE: 3,
    BillingState.PAST_DUE: 4,
    BillingState.CANCELED: 5,
}
HANDLED_TYPES = (
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
)


@dataclass(frozen=True)
class Fact:
    """What one event says about a city's billing."""

    event_id: str
    at: datetime
    kind: str  # "checkout", "subscription", "subscription_deleted", "invoice"
    customer_id: str = ""
    subscription_id: str = ""
    state: str | None = None  # None: the event only links ids
    city_slug: str = ""
    price_id: str = ""
    trial_end: datetime | None = None
    current_period_end: datetime | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.at, RANK[self.state], self.event_id)


@dataclass(frozen=True)
class Snapshot:
    state: str = BillingState.NONE
    state_at: datetime | None = None
    subscription_id: str = ""
    customer_id: str = ""
    grace_from: datetime | None = None
    price_id: str = ""
    trial_end: datetime | None = None
    current_period_end: datetime | None = None

    def grace_until(self, grace: timedelta) -> datetime | None:
        if self.state != BillingState.PAST_DUE or self.grace_from is None:
            return None
        return self.grace_from + grace


def _timestamp(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _id(value) -> str:
    """Stripe expands some fields into objects; we want the id either way."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _invoice_subscription(invoice: dict) -> str:
    if invoice.get("subscription"):  # API versions before 2025-03
        return _id(invoice["subscription"])
    parent = invoice.get("parent") or {}
    return _id((parent.get("subscription_details") or {}).get("subscription"))


def fact_from_event(event: dict) -> Fact | None:
    """Read an event (the webhook's JSON) into a Fact; None for types we do not handle."""
    kind = event.get("type", "")
    obj = (event.get("data") or {}).get("object") or {}
    at = _timestamp(event.get("created")) or datetime.now(tz=UTC)
    common = dict(event_id=str(event.get("id", "")), at=at)
    metadata = obj.get("metadata") or {}
    if kind == "checkout.session.completed":
        return Fact(
            kind="checkout",
            customer_id=_id(obj.get("customer")),
            subscription_id=_id(obj.get("subscription")),
            city_slug=str(metadata.get("city") or obj.get("client_reference_id") or ""),
            **common,
        )
    if kind.startswith("customer.subscription."):
        items = (obj.get("items") or {}).get("data") or [{}]
        period_end = obj.get("current_period_end") or items[0].get("current_period_end")
        deleted = kind == "customer.subscription.deleted"
        return Fact(
            kind="subscription_deleted" if deleted else "subscription",
            customer_id=_id(obj.get("customer")),
            subscription_id=_id(obj.get("id")),
            state=BillingState.CANCELED if deleted else STRIPE_STATUSES.get(obj.get("status", "")),
            city_slug=str(metadata.get("city") or ""),
            price_id=_id((items[0].get("price") or {}).get("id")),
            trial_end=_timestamp(obj.get("trial_end")),
            current_period_end=_timestamp(period_end),
            **common,
        )
    if kind in ("invoice.paid", "invoice.payment_failed"):
        paid = kind == "invoice.paid"
        # A zero invoice (a trial's first one) says nothing about payment.
        says_nothing = paid and not obj.get("amount_paid")
        return Fact(
            kind="invoice",
            customer_id=_id(obj.get("customer")),
            subscription_id=_invoice_subscription(obj),
            state=None
            if says_nothing
            else (BillingState.ACTIVE if paid else BillingState.PAST_DUE),
            **common,
        )
    return None


def apply(snapshot: Snapshot, fact: Fact) -> Snapshot:
    """One step of the fold (facts come in Stripe's order)."""
    s = snapshot
    if fact.customer_id and not s.customer_id:
        s = replace(s, customer_id=fact.customer_id)
    current = s.subscription_id
    other = bool(fact.subscription_id and current and fact.subscription_id != current)
    if other:
        # Another subscription of the same city: ending it says nothing about the current one;
        # anything else about it is newer (facts are in order), so it becomes the current one.
        if fact.kind == "subscription_deleted" or fact.kind == "invoice":
            return s
        s = replace(s, subscription_id=fact.subscription_id, grace_from=None)
    elif fact.subscription_id and not current:
        s = replace(s, subscription_id=fact.subscription_id)
    if fact.kind == "subscription" or fact.kind == "subscription_deleted":
        s = replace(
            s,
            price_id=fact.price_id or s.price_id,
            trial_end=fact.trial_end or s.trial_end,
            current_period_end=fact.current_period_end or s.current_period_end,
        )
    if fact.state is None:
        return s
    if s.state == BillingState.CANCELED and not other:
        return s  # a canceled subscription stays canceled; a new one starts afresh
    if fact.state == BillingState.PAST_DUE:
        grace_from = s.grace_from if s.state == BillingState.PAST_DUE else fact.at
    else:
        grace_from = None
    return replace(s, state=fact.state, state_at=fact.at, grace_from=grace_from)


def fold(facts: Iterable[Fact], start: Snapshot | None = None) -> Snapshot:
    """The state the facts lead to, whatever order they are given in."""
    snapshot = start or Snapshot()
    for fact in sorted(facts, key=lambda f: f.sort_key):
        snapshot = apply(snapshot, fact)
    return snapshot
