"""Writes for billing: plans, Checkout and Portal sessions, webhook events, suspension.

A plan allows features (settings.TREMPLIN_PLANS, tenants.features): choosing or changing a plan
allows the new plan's features at once; a downgrade keeps the features the new plan lacks
until the end of the period already paid for (the subscription's `current_period_end`), when a
beat task withdraws them. The city's admins are told both times (tenants.notices).

Events are stored once by their Stripe id (unique constraint) when the webhook arrives, then a
Celery task processes them: it links the event to its city and recomputes the city's billing
state from all the city's events (shared_apps.billing.state), so duplicates and disorder never
leave a wrong state. A city that stays past due beyond its grace period is suspended by a beat
task; it is reactivated when billing is current again, if billing is what suspended it.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from kernel.errors import Conflict, ValidationFailed

from tenants import features, lifecycle, notices
from tenants.models import AuditEntry, City, CityStatus
from tenants.services import audit

from . import stripe_api
from .models import BillingState, StripeEvent, Subscription
from .selectors import plan_find, plan_for_price, plan_get
from .state import HANDLED_TYPES, Fact, Snapshot, fact_from_event, fold

logger = logging.getLogger(__name__)

BILLING_ACTOR = "billing"
SUSPENSION_REASON = "payment_failed"
# States in which a city's billing is current: a city billing suspended comes back.
CURRENT_STATES = (BillingState.ACTIVE, BillingState.TRIALING)


def grace_period() -> timedelta:
    return timedelta(days=settings.TREMPLIN_BILLING_GRACE_DAYS)


def _subscription_for(city: City, *, lock: bool = False) -> Subscription:
    Subscription.objects.get_or_create(city=city)
    query = Subscription.objects.select_for_update() if lock else Subscription.objects
    return query.get(city=city)


@transaction.atomic
def city_plan_set(*, city: City, plan: str, by: str) -> Subscription:
    """Record the plan the operator chose for the city (what Checkout will subscribe to)."""
    chosen = plan_get(key=plan)
    subscription = _subscription_for(city, lock=True)
    if subscription.plan != chosen.key:
        subscription.plan = chosen.key
        subscription.save(update_fields=["plan", "updated_at"])
        audit(actor=by, action="billing.plan_set", city=city, plan=chosen.key)
        plan_features_sync(subscription=subscription, by=by)
    return subscription


# What a plan allows.

FEATURES_PAGE = "/staff/fonctionnalites/"


def _labels(keys) -> str:
    known = features.FEATURES
    return ", ".join(known[key].label for key in sorted(keys) if key in known)


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y}"


_CURRENT_PERIOD = object()


def plan_features_sync(
    *,
    subscription: Subscription,
    by: str,
    now: datetime | None = None,
    defer: bool = True,
    paid_until: datetime | object | None = _CURRENT_PERIOD,
) -> features.PlanChange:
    """Apply the subscription's plan to the city's features (call with the row locked).

    Features the plan adds are allowed now. Features it drops stay until `paid_until` (the end
    of the period paid under the previous plan; default: the current period's end), when
    `plan_downgrades_apply` withdraws them; they go now when that time has passed, no period is
    running, or `defer` is False.
    """
    now = now or timezone.now()
    city = subscription.city
    plan = plan_find(subscription.plan)
    target = set(plan.features) if plan else set()
    dropped = features.plan_allowed_keys(city=city) - target
    period_end = subscription.current_period_end if paid_until is _CURRENT_PERIOD else paid_until
    label = plan.label if plan else subscription.plan or "—"
    if defer and dropped and period_end is not None and period_end > now:
        change = features.feature_plan_apply(
            city=city, keys=target | dropped, plan=subscription.plan, by=by
        )
        if subscription.features_downgrade_at != period_end:
            subscription.features_downgrade_at = period_end
            subscription.save(update_fields=["features_downgrade_at", "updated_at"])
            audit(
                actor=by,
                action="billing.features_withdrawal_scheduled",
                city=city,
                plan=subscription.plan,
                keys=sorted(dropped),
                at=period_end.isoformat(),
            )
            notices.city_admins_notify(
                city=city,
                title=f"Formule {label} : fonctionnalités retirées le {_day(period_end)}",
                body=(
                    f"Ta ville passe à la formule {label}, qui n'inclut pas : {_labels(dropped)}. "
                    f"Ces fonctionnalités restent disponibles jusqu'à la fin de la période déjà "
                    f"payée, le {_day(period_end)}, puis elles seront désactivées. Pour les "
                    "garder, choisis une formule qui les inclut (menu « Facturation »)."
                ),
                path=FEATURES_PAGE,
            )
        return change
    change = features.feature_plan_apply(city=city, keys=target, plan=subscription.plan, by=by)
    if subscription.features_downgrade_at is not None:
        subscription.features_downgrade_at = None
        subscription.save(update_fields=["features_downgrade_at", "updated_at"])
    if change.removed:
        notices.city_admins_notify(
            city=city,
            title=f"Formule {label} : fonctionnalités désactivées",
            body=(
                f"La formule {label} de ta ville n'inclut pas : {_labels(change.removed)}. "
                "Ces fonctionnalités sont désactivées depuis aujourd'hui. Pour les retrouver, "
                "choisis une formule qui les inclut (menu « Facturation »)."
            ),
            path=FEATURES_PAGE,
        )
    return change


def plan_downgrades_apply(*, now: datetime | None = None) -> list[str]:
    """Withdraw the features of the downgrades whose paid period has ended. Returns the slugs."""
    now = now or timezone.now()
    done = []
    due = Subscription.objects.filter(features_downgrade_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            subscription = (
                Subscription.objects.select_for_update().select_related("city").get(pk=pk)
            )
            when = subscription.features_downgrade_at
            if when is None or when > now:
                continue  # changed meanwhile (an upgrade cancelled the withdrawal)
            # Not deferred again: the period has been renewed meanwhile, the decision stands.
            plan_features_sync(subscription=subscription, by=BILLING_ACTOR, now=now, defer=False)
            done.append(subscription.city.slug)
    return done


def city_feature_follow_plan(*, city: City, key: str, by: str):
    """Drop the operator's override of `key` for `city`: its plan decides again."""
    subscription = Subscription.objects.filter(city=city).first()
    plan = plan_find(subscription.plan) if subscription else None
    allowed = plan is not None and key in plan.features
    return features.feature_follow_plan(city=city, key=key, allowed=allowed, by=by)


def _customer_ensure(subscription: Subscription, city: City) -> str:
    if subscription.stripe_customer_id:
        return subscription.stripe_customer_id
    customer = stripe_api.call(
        "créer le client",
        stripe_api.client().v1.customers.create,
        name=city.name,
        email=city.admin_email,
        metadata={"city": city.slug, "insee": city.insee},
    )
    subscription.stripe_customer_id = customer.id
    subscription.save(update_fields=["stripe_customer_id", "updated_at"])
    return customer.id


def checkout_session_create(
    *, city: City, plan: str, by: str, success_url: str, cancel_url: str
) -> str:
    """Open a Stripe Checkout Session subscribing `city` to `plan`; returns its URL."""
    chosen = plan_get(key=plan)
    if city.status not in (CityStatus.ACTIVE, CityStatus.SUSPENDED):
        raise Conflict(f"La ville {city.name} n'est pas en service.", code="city_not_serving")
    with transaction.atomic():
        subscription = _subscription_for(city, lock=True)
        if subscription.state in (*CURRENT_STATES, BillingState.PAST_DUE):
            raise Conflict(
                f"{city.name} a déjà un abonnement en cours : passe par le portail de facturation.",
                code="already_subscribed",
            )
        customer_id = _customer_ensure(subscription, city)
        session = stripe_api.call(
            "ouvrir le paiement",
            stripe_api.client().v1.checkout.sessions.create,
            mode="subscription",
            customer=customer_id,
            client_reference_id=city.slug,
            line_items=[{"price": chosen.price_id, "quantity": 1}],
            metadata={"city": city.slug, "plan": chosen.key},
            subscription_data={"metadata": {"city": city.slug, "plan": chosen.key}},
            success_url=success_url,
            cancel_url=cancel_url,
        )
        changed = subscription.plan != chosen.key
        subscription.plan = chosen.key
        subscription.save(update_fields=["plan", "updated_at"])
        audit(actor=by, action="billing.checkout_created", city=city, plan=chosen.key)
        if changed:
            plan_features_sync(subscription=subscription, by=by)
    return session.url


def portal_link_create(*, city: City, return_url: str) -> str:
    """A Stripe Billing Portal session for the city's admin (invoices, card, plan)."""
    subscription = Subscription.objects.filter(city=city).first()
    if subscription is None or not subscription.stripe_customer_id:
        raise Conflict(
            "Aucun abonnement n'a encore été souscrit pour ta ville.", code="no_customer"
        )
    session = stripe_api.call(
        "ouvrir le portail de facturation",
        stripe_api.client().v1.billing_portal.sessions.create,
        customer=subscription.stripe_customer_id,
        return_url=return_url,
    )
    return session.url


# Webhooks.


class BadSignature(ValidationFailed):
    default_code = "bad_signature"


class MalformedEvent(ValidationFailed):
    default_code = "malformed_event"


REJECTED_PAYLOAD_CHARS = 100_000  # what is kept of a rejected body that is not JSON


def _timestamp_or_none(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def event_problem(data) -> str | None:
    """Why `data` (a parsed webhook body) is not a well-formed Stripe event; None if it is.

    Beyond the envelope (id, type, created, data.object), an event of a handled type must read
    into a fact: the fold reads every stored event of a city, so one it cannot read would stop
    that city's billing state for good."""
    if not isinstance(data, dict):
        return "un événement doit être un objet JSON"
    if not isinstance(data.get("id"), str) or not data["id"].strip() or len(data["id"]) > 255:
        return "identifiant « id » manquant ou invalide"
    if not isinstance(data.get("type"), str) or not data["type"].strip() or len(data["type"]) > 100:
        return "type « type » manquant ou invalide"
    if _timestamp_or_none(data.get("created")) is None:
        return "date « created » manquante ou invalide (un horodatage Unix est attendu)"
    if not isinstance(data.get("data"), dict) or not isinstance(data["data"].get("object"), dict):
        return "objet « data.object » manquant"
    if data["type"] in HANDLED_TYPES:
        try:
            fact_from_event(data)
        except (AttributeError, TypeError, ValueError, LookupError, OverflowError, OSError):
            return f"contenu illisible pour un événement {data['type']}"
    return None


def _reject(payload: str, data, reason: str) -> StripeEvent:
    kept = data if data is not None else payload[:REJECTED_PAYLOAD_CHARS]
    claimed = data.get("type") if isinstance(data, dict) else None
    return StripeEvent.objects.create(
        event_id=None,
        type=claimed[:100] if isinstance(claimed, str) else "",
        created=None,
        payload=kept,
        status=StripeEvent.Status.REJECTED,
        reason=reason[:255],
        processed_at=timezone.now(),
        outcome="rejected",
    )


def stripe_event_receive(*, payload: bytes, signature: str | None) -> tuple[StripeEvent, bool]:
    """Verify a webhook (signature and freshness) and store its event once.

    Returns (event, created); created is False for an event already received. Raises
    BadSignature, with nothing stored, when Stripe did not sign this payload recently, and
    MalformedEvent, with the body stored as rejected, when a signed body is not a
    well-formed event.
    """
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
        )
        text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature("Signature Stripe invalide ou périmée.") from exc
    try:
        data = json.loads(text)
    except ValueError:
        data, problem = None, "corps illisible (JSON attendu)"
    except RecursionError:
        data, problem = None, "corps illisible (JSON trop imbriqué)"
    else:
        problem = event_problem(data)
    if problem is not None:
        stored = _reject(text, data, problem)
        logger.warning("Rejected a signed Stripe webhook (%s): stored as %s", problem, stored.pk)
        raise MalformedEvent(f"Événement Stripe mal formé : {problem}.")
    created_at = _timestamp_or_none(data["created"])
    existing = StripeEvent.objects.filter(event_id=data["id"]).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=data["id"], type=data["type"], created=created_at, payload=data
            )
    except IntegrityError:  # the same event, received twice at the same moment
        return StripeEvent.objects.get(event_id=data["id"]), False
    if stored.type in HANDLED_TYPES:
        from .tasks import process_stripe_event

        transaction.on_commit(lambda: process_stripe_event.delay(stored.pk))
    return stored, True


def _city_for(fact: Fact) -> City | None:
    """Which city an event is about: by our subscription/customer ids, else its metadata."""
    ids = Q()
    if fact.subscription_id:
        ids |= Q(stripe_subscription_id=fact.subscription_id)
    if fact.customer_id:
        ids |= Q(stripe_customer_id=fact.customer_id)
    if ids:
        found = Subscription.objects.filter(ids).select_related("city").first()
        if found is not None:
            return found.city
    if fact.city_slug:
        return City.objects.filter(slug=fact.city_slug).first()
    return None


def _city_facts(city: City, subscription: Subscription) -> list[Fact]:
    ids = Q(city=city)
    if subscription.stripe_customer_id:
        ids |= Q(customer_id=subscription.stripe_customer_id)
    facts = []
    received = StripeEvent.objects.filter(status=StripeEvent.Status.RECEIVED)
    for event in received.filter(ids, type__in=HANDLED_TYPES):
        fact = fact_from_event(event.payload)
        if fact is not None:
            facts.append(fact)
    return facts


def stripe_event_process(*, event_pk: int) -> str:
    """Link an event to its city and recompute the city's billing state. Idempotent."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if event.status == StripeEvent.Status.REJECTED:
            return event.outcome
        fact = fact_from_event(event.payload)
        city = _city_for(fact) if fact else None
        event.customer_id = fact.customer_id if fact else ""
        event.subscription_id = fact.subscription_id if fact else ""
        event.city = city
        event.processed_at = timezone.now()
        if city is None:
            event.outcome = "ignored: no city" if fact else "ignored: type not handled"
            event.save()
            return event.outcome
        subscription = _subscription_for(city, lock=True)
        event.save()
        previous = subscription.state
        billing_recompute(subscription=subscription)
        event.outcome = f"{previous} -> {subscription.state}"
        event.save(update_fields=["outcome"])
    if subscription.state in CURRENT_STATES:
        city_reactivate_if_billing_suspended(city=city)
    return event.outcome


def billing_recompute(*, subscription: Subscription) -> Subscription:
    """Fold every event of the city into its billing state (call with the row locked)."""
    city = subscription.city
    paid_until = subscription.current_period_end  # the period paid under the plan known so far
    facts = _city_facts(city, subscription)
    start = Snapshot(customer_id=subscription.stripe_customer_id)
    snapshot = fold(facts, start)
    subscription.state = snapshot.state
    subscription.state_at = snapshot.state_at
    subscription.grace_until = snapshot.grace_until(grace_period())
    subscription.stripe_customer_id = snapshot.customer_id
    subscription.stripe_subscription_id = snapshot.subscription_id
    subscription.trial_end = snapshot.trial_end
    subscription.current_period_end = snapshot.current_period_end
    previous = subscription.plan
    if (plan := plan_for_price(snapshot.price_id)) is not None:
        subscription.plan = plan.key  # changed in the portal
    subscription.save()
    if subscription.plan != previous:
        audit(actor=BILLING_ACTOR, action="billing.plan_changed", city=city, plan=subscription.plan)
        # A downgrade Stripe applied at the renewal (the period paid under the old plan is over)
        # takes effect now; one applied mid-period waits for the end of that period.
        plan_features_sync(subscription=subscription, by=BILLING_ACTOR, paid_until=paid_until)
    return subscription


def _suspended_by_billing(city: City) -> bool:
    last = (
        AuditEntry.objects.filter(city=city, action="city.suspended")
        .order_by("-created_at", "-id")
        .first()
    )
    return last is not None and last.actor == BILLING_ACTOR


def city_reactivate_if_billing_suspended(*, city: City) -> bool:
    """Reopen a city that billing suspended (never one an operator suspended)."""
    city.refresh_from_db()
    if city.status != CityStatus.SUSPENDED or not _suspended_by_billing(city):
        return False
    lifecycle.city_reactivate(city=city, by=BILLING_ACTOR)
    return True


def _still_past_due_at_stripe(subscription: Subscription) -> bool:
    """Ask Stripe for the subscription's current status before suspending a city."""
    if not (settings.STRIPE_SECRET_KEY and subscription.stripe_subscription_id):
        return True
    try:
        current = stripe_api.client().v1.subscriptions.retrieve(subscription.stripe_subscription_id)
    except stripe.StripeError:
        logger.warning("Stripe unreachable; %s not suspended this time", subscription.city_id)
        return False
    return current.status in ("past_due", "unpaid", "paused")


def billing_suspend_overdue(*, now: datetime | None = None) -> list[str]:
    """Suspend the cities past due beyond their grace period. Returns their slugs."""
    now = now or timezone.now()
    suspended = []
    overdue = Subscription.objects.filter(
        state=BillingState.PAST_DUE, grace_until__lte=now, city__status=CityStatus.ACTIVE
    ).select_related("city")
    for subscription in overdue:
        if not _still_past_due_at_stripe(subscription):
            continue
        lifecycle.city_suspend(city=subscription.city, by=BILLING_ACTOR, reason=SUSPENSION_REASON)
        suspended.append(subscription.city.slug)
    return suspended
