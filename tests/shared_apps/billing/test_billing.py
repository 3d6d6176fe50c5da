"""Checkout, portal, webhooks and the suspension cycle, with the real stripe library talking to
a local fake Stripe."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from shared_apps.billing import services
from shared_apps.billing.models import BillingState, StripeEvent, Subscription
from shared_apps.billing.tasks import process_stripe_event
from tenants import lifecycle
from tenants.models import AuditEntry, CityStatus

from .fake_stripe import SECRET_KEY, checkout_session, event, invoice, signed, subscription

WEBHOOK = "/billing/stripe/webhook/"
DAY = 86400


@pytest.fixture
def operator_api(api_for, public_host, operator_token):
    return api_for(public_host, operator_token)


def _post(client_for, public_host, evt, **sign):
    payload, header = signed(evt, **sign)
    return client_for(public_host).post(
        WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def _deliver(client_for, public_host, evt, capture):
    """Post a signed webhook and run the Celery task it queues (in this process)."""
    with capture(execute=False) as callbacks:
        response = _post(client_for, public_host, evt)
    assert response.status_code == 200, response.content
    for stored in StripeEvent.objects.filter(event_id=evt["id"]):
        process_stripe_event.apply(args=[stored.pk])
    return response, callbacks


def _subscribed(city, fake_stripe, operator_api):
    response = operator_api.post(
        f"/api/v1/cities/{city.slug}/billing/checkout/", {"plan": "essentiel"}, format="json"
    )
    assert response.status_code == 201, response.content
    return Subscription.objects.get(city=city)


def test_operator_opens_checkout_for_a_city(grigny, fake_stripe, operator_api):
    response = operator_api.post(
        "/api/v1/cities/grigny/billing/checkout/", {"plan": "essentiel"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["url"].startswith("https://checkout.stripe.test/")
    [customer] = fake_stripe.calls("POST", "/v1/customers")
    assert customer.params["metadata[city]"] == "grigny"
    assert customer.authorization == f"Bearer {SECRET_KEY}"
    [session] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert session.params["mode"] == "subscription"
    assert session.params["line_items[0][price]"] == "price_tremplin_essentiel"
    assert session.params["subscription_data[metadata][city]"] == "grigny"
    sub = Subscription.objects.get(city=grigny)
    assert (sub.plan, sub.state) == ("essentiel", BillingState.NONE)
    assert session.params["customer"] == sub.stripe_customer_id
    assert AuditEntry.objects.filter(city=grigny, action="billing.checkout_created").exists()

    # A second checkout reuses the Stripe customer.
    operator_api.post(
        "/api/v1/cities/grigny/billing/checkout/", {"plan": "territoire"}, format="json"
    )
    assert len(fake_stripe.calls("POST", "/v1/customers")) == 1


def test_checkout_refuses_unknown_plans_and_non_operators(
    grigny, fake_stripe, operator_api, api_for, make_user
):
    response = operator_api.post(
        "/api/v1/cities/grigny/billing/checkout/", {"plan": "gratuit"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["plan"]
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    from tenants.context import in_city

    with in_city(grigny):
        token = token_create(user=admin)
    response = api_for(grigny, token).post(
        "/api/v1/cities/grigny/billing/checkout/", {"plan": "essentiel"}, format="json"
    )
    assert response.status_code == 404  # operator endpoints do not exist on a city host
    assert fake_stripe.requests == []


def test_billing_state_api_for_operators(grigny, fake_stripe, operator_api, api_for, public_host):
    response = operator_api.get("/api/v1/cities/grigny/billing/")
    assert response.status_code == 200
    assert response.json()["state"] == "none"
    _subscribed(grigny, fake_stripe, operator_api)
    body = operator_api.get("/api/v1/cities/grigny/billing/").json()
    assert body["plan"] == "essentiel" and body["plan_label"] == "Essentiel"
    assert body["stripe_customer_id"].startswith("cus_")
    assert api_for(public_host).get("/api/v1/cities/grigny/billing/").status_code in (401, 403)
    assert operator_api.get("/api/v1/cities/nowhere/billing/").status_code == 404


def test_city_admin_gets_a_portal_link_for_their_own_city_only(
    grigny, gennevilliers, fake_stripe, operator_api, api_for, make_user
):
    from tenants.context import in_city

    sub = _subscribed(grigny, fake_stripe, operator_api)
    tokens = {}
    for city, role in ((grigny, Role.ADMIN), (gennevilliers, Role.ADMIN)):
        user = make_user(city, f"admin@{city.slug}.test", role)
        with in_city(city):
            tokens[city.slug] = token_create(user=user)
    response = api_for(grigny, tokens["grigny"]).post("/api/v1/billing/portal/")
    assert response.status_code == 201
    assert response.json()["url"].startswith("https://billing.stripe.test/")
    [call] = fake_stripe.calls("POST", "/v1/billing_portal/sessions")
    assert call.params["customer"] == sub.stripe_customer_id
    # Gennevilliers' admin gets Gennevilliers' billing (none yet), never Grigny's.
    response = api_for(gennevilliers, tokens["gennevilliers"]).post("/api/v1/billing/portal/")
    assert response.status_code == 409
    assert len(fake_stripe.calls("POST", "/v1/billing_portal/sessions")) == 1
    # A Grigny token is worthless on Gennevilliers' host.
    response = api_for(gennevilliers, tokens["grigny"]).post("/api/v1/billing/portal/")
    assert response.status_code in (401, 403)


def test_portal_is_for_admins_only(grigny, fake_stripe, operator_api, api_for, make_user):
    from tenants.context import in_city

    _subscribed(grigny, fake_stripe, operator_api)
    editor = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    with in_city(grigny):
        token = token_create(user=editor)
    assert api_for(grigny, token).post("/api/v1/billing/portal/").status_code == 403


def test_webhook_stores_each_signed_event_once(
    grigny, fake_stripe, client_for, public_host, django_capture_on_commit_callbacks
):
    evt = event("evt_once", "invoice.paid", invoice("in_1", "cus_x", "sub_x"), int(time.time()))
    with django_capture_on_commit_callbacks() as callbacks:
        first = _post(client_for, public_host, evt)
        second = _post(client_for, public_host, evt)
    assert first.status_code == second.status_code == 200
    assert first.json()["duplicate"] is False and second.json()["duplicate"] is True
    assert StripeEvent.objects.filter(event_id="evt_once").count() == 1
    assert len(callbacks) == 1  # one task for one event


@pytest.mark.parametrize("case", ["wrong secret", "stale", "no header", "tampered", "not json"])
def test_webhook_rejects_bad_signatures_and_stores_nothing(
    case, db, fake_stripe, client_for, public_host
):
    evt = event("evt_bad", "invoice.paid", invoice("in_1", "cus_x", "sub_x"), int(time.time()))
    client = client_for(public_host)
    if case == "wrong secret":
        response = _post(client_for, public_host, evt, secret="whsec_other")
    elif case == "stale":
        response = _post(client_for, public_host, evt, timestamp=int(time.time()) - 600)
    else:
        payload, header = signed(evt)
        headers = {} if case == "no header" else {"HTTP_STRIPE_SIGNATURE": header}
        body = {"no header": payload, "tampered": payload.replace("invoice.paid", "invoice.x")}
        body["not json"] = "{"
        response = client.post(WEBHOOK, data=body[case], content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_signature"
    assert StripeEvent.objects.count() == 0


def test_webhook_only_on_the_public_host(grigny, fake_stripe, client_for):
    evt = event("evt_city", "invoice.paid", invoice("in_1", "cus_x", "sub_x"), int(time.time()))
    payload, header = signed(evt)
    response = client_for(grigny).post(
        WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 404
    assert StripeEvent.objects.count() == 0


def _cycle(city, customer: str, now: int) -> list[dict]:
    """Subscribed, then a payment fails 8 days ago (grace over), and is finally paid."""
    sub = f"sub_{city.slug}"
    start = now - 40 * DAY
    return [
        event(f"{sub}_1", "checkout.session.completed",
              checkout_session("cs_1", customer, sub, city.slug), start),
        event(f"{sub}_2", "customer.subscription.created",
              subscription(sub, customer, "active", city=city.slug), start),
        event(f"{sub}_3", "invoice.payment_failed", invoice("in_2", customer, sub), now - 8 * DAY),
        event(f"{sub}_4", "customer.subscription.updated",
              subscription(sub, customer, "past_due", city=city.slug), now - 8 * DAY),
    ]  # fmt: skip


def test_failed_payment_suspends_after_grace_and_payment_reactivates(
    grigny, gennevilliers, fake_stripe, operator_api, client_for, public_host,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    sub = _subscribed(grigny, fake_stripe, operator_api)
    now = int(time.time())
    for evt in _cycle(grigny, sub.stripe_customer_id, now):
        _deliver(client_for, public_host, evt, django_capture_on_commit_callbacks)
    sub.refresh_from_db()
    assert sub.state == BillingState.PAST_DUE
    assert sub.grace_until < timezone.now()
    grigny.refresh_from_db()
    assert grigny.status == CityStatus.ACTIVE  # suspension is the beat task's job

    fake_stripe.subscription_status[sub.stripe_subscription_id] = "past_due"
    assert services.billing_suspend_overdue() == ["grigny"]
    grigny.refresh_from_db()
    gennevilliers.refresh_from_db()
    assert grigny.status == CityStatus.SUSPENDED
    assert gennevilliers.status == CityStatus.ACTIVE
    entry = AuditEntry.objects.filter(city=grigny, action="city.suspended").first()
    assert (entry.actor, entry.details["reason"]) == ("billing", "payment_failed")
    assert services.billing_suspend_overdue() == []  # already suspended

    paid = event("evt_paid", "invoice.paid", invoice("in_2", sub.stripe_customer_id,
                 sub.stripe_subscription_id), now)  # fmt: skip
    _deliver(client_for, public_host, paid, django_capture_on_commit_callbacks)
    grigny.refresh_from_db()
    sub.refresh_from_db()
    assert (grigny.status, sub.state, sub.grace_until) == (
        CityStatus.ACTIVE, BillingState.ACTIVE, None)  # fmt: skip
    assert AuditEntry.objects.filter(city=grigny, action="city.reactivated", actor="billing")


def test_no_suspension_within_grace_or_when_stripe_says_paid(
    grigny, fake_stripe, operator_api, client_for, public_host,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    sub = _subscribed(grigny, fake_stripe, operator_api)
    now = int(time.time())
    for evt in _cycle(grigny, sub.stripe_customer_id, now):
        _deliver(client_for, public_host, evt, django_capture_on_commit_callbacks)
    sub.refresh_from_db()
    assert services.billing_suspend_overdue(now=sub.grace_until - timedelta(hours=1)) == []
    fake_stripe.subscription_status[sub.stripe_subscription_id] = "active"  # paid meanwhile
    assert services.billing_suspend_overdue() == []
    grigny.refresh_from_db()
    assert grigny.status == CityStatus.ACTIVE


def test_payment_never_lifts_an_operator_suspension(
    grigny, fake_stripe, operator_api, client_for, public_host,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    sub = _subscribed(grigny, fake_stripe, operator_api)
    now = int(time.time())
    for evt in _cycle(grigny, sub.stripe_customer_id, now):
        _deliver(client_for, public_host, evt, django_capture_on_commit_callbacks)
    lifecycle.city_suspend(city=grigny, by="ops@tremplin.test", reason="contrat en révision")
    paid = event("evt_paid2", "invoice.paid", invoice("in_2", sub.stripe_customer_id,
                 sub.stripe_subscription_id), now)  # fmt: skip
    _deliver(client_for, public_host, paid, django_capture_on_commit_callbacks)
    grigny.refresh_from_db()
    assert grigny.status == CityStatus.SUSPENDED


def test_every_delivery_order_ends_in_the_same_state(
    grigny, fake_stripe, operator_api, client_for, public_host,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The webhook path (store, then the task) for each order of a failure and recovery."""
    sub = _subscribed(grigny, fake_stripe, operator_api)
    customer, now = sub.stripe_customer_id, int(time.time())
    sub_id = "sub_perm"
    recovery = [
        event("p1", "customer.subscription.created",
              subscription(sub_id, customer, "active", city="grigny"), now - 40 * DAY),
        event("p2", "invoice.payment_failed", invoice("in_2", customer, sub_id), now - 3 * DAY),
        event("p3", "customer.subscription.updated",
              subscription(sub_id, customer, "past_due", city="grigny"), now - 3 * DAY),
        event("p4", "invoice.paid", invoice("in_2", customer, sub_id), now - DAY),
    ]  # fmt: skip
    seen = set()
    for order in itertools.permutations(recovery):
        StripeEvent.objects.all().delete()
        Subscription.objects.filter(pk=sub.pk).update(
            state=BillingState.NONE, stripe_subscription_id="", state_at=None, grace_until=None
        )
        for evt in order:
            _deliver(client_for, public_host, evt, django_capture_on_commit_callbacks)
        _deliver(client_for, public_host, order[0], django_capture_on_commit_callbacks)  # twice
        sub.refresh_from_db()
        seen.add((sub.state, sub.stripe_subscription_id, sub.grace_until, sub.state_at))
    assert len(seen) == 1
    state, sub_id_seen, grace_until, _ = seen.pop()
    assert (state, sub_id_seen, grace_until) == (BillingState.ACTIVE, sub_id, None)
