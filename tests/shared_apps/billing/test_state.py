"""The billing state is a function of the events received, never of their order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from shared_apps.billing.models import BillingState
from shared_apps.billing.state import fact_from_event, fold

from .fake_stripe import checkout_session, event, invoice, subscription

T0 = 1_790_000_000  # a Stripe `created` time
DAY = 86400
GRACE = timedelta(days=7)


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def realistic_year() -> list[dict]:
    """Subscribe (several events in the same second), a failed payment, a retry that fails
    again, then the card is updated and the invoice paid."""
    cus, sub = "cus_1", "sub_1"
    return [
        event("evt_01", "customer.subscription.created", subscription(sub, cus, "incomplete"), T0),
        event("evt_02", "invoice.paid", invoice("in_1", cus, sub), T0),
        event("evt_03", "customer.subscription.updated", subscription(sub, cus, "active"), T0),
        event("evt_04", "checkout.session.completed", checkout_session("cs", cus, sub, "g"), T0),
        event("evt_05", "invoice.payment_failed", invoice("in_2", cus, sub), T0 + 30 * DAY),
        event(
            "evt_06",
            "customer.subscription.updated",
            subscription(sub, cus, "past_due"),
            T0 + 30 * DAY,
        ),
        event("evt_07", "invoice.payment_failed", invoice("in_2", cus, sub), T0 + 33 * DAY),
        event("evt_08", "invoice.paid", invoice("in_2", cus, sub), T0 + 35 * DAY),
    ]


def facts(events):
    return [fact_from_event(e) for e in events]


def test_every_order_of_a_realistic_sequence_gives_the_same_states():
    events = realistic_year()
    expected = fold(facts(events))
    assert expected.state == BillingState.ACTIVE
    assert expected.subscription_id == "sub_1" and expected.customer_id == "cus_1"
    assert expected.state_at == at(T0 + 35 * DAY)
    # Without the last event: past due since the FIRST failure (the retry does not extend it).
    overdue = fold(facts(events[:-1]))
    assert overdue.state == BillingState.PAST_DUE
    assert overdue.grace_until(GRACE) == at(T0 + 30 * DAY) + GRACE
    checked = 0
    for order in itertools.permutations(events):
        assert fold(facts(order)) == expected
        assert fold(facts(order[:-1])) == fold(facts(sorted(order[:-1], key=lambda e: e["id"])))
        checked += 1
    assert checked == 40320


def test_duplicates_change_nothing():
    events = realistic_year()
    assert fold(facts(events + events[2:5])) == fold(facts(events))


def test_a_late_update_never_revives_a_canceled_subscription():
    cus, sub = "cus_1", "sub_1"
    canceled = subscription(sub, cus, "canceled")
    deleted = event("e3", "customer.subscription.deleted", canceled, T0 + 9)
    late = [
        event("e1", "customer.subscription.updated", subscription(sub, cus, "active"), T0),
        event("e2", "invoice.paid", invoice("in", cus, sub), T0 + 5),
    ]
    for order in itertools.permutations([deleted, *late]):
        assert fold(facts(order)).state == BillingState.CANCELED


def test_a_new_subscription_after_cancellation_counts():
    cus = "cus_1"
    old, new = subscription("sub_old", cus, "canceled"), subscription("sub_new", cus, "trialing")
    events = [
        event("e1", "customer.subscription.deleted", old, T0),
        event("e2", "customer.subscription.created", new, T0 + 60),
        event("e3", "invoice.paid", invoice("in0", cus, "sub_new", amount_paid=0), T0 + 60),
        event("e4", "invoice.payment_failed", invoice("in_old", cus, "sub_old"), T0 + 61),
    ]
    for order in itertools.permutations(events):
        state = fold(facts(order))
        assert (state.state, state.subscription_id) == (BillingState.TRIALING, "sub_new")


def test_unhandled_events_are_not_facts():
    assert fact_from_event(event("e", "customer.created", {"id": "cus"}, T0)) is None
