"""Issue #7's « Done when », billing part, across processes: the operator subscribes a city from
the console (Checkout on the fake Stripe), signed webhooks are stored by the endpoint and
processed by a REAL Celery worker, the beat task's function suspends the city after its grace
period, and the paid invoice brings it back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest
from django.test import Client

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import user_create
from shared_apps.billing.models import BillingState, StripeEvent, Subscription
from shared_apps.billing.tasks import suspend_overdue_cities
from tenants.models import AuditEntry, City, CityStatus
from tenants.services import city_onboard

from .fake_stripe import checkout_session, event, invoice, signed, subscription

WEBHOOK = "/billing/stripe/webhook/"
DAY = 86400


def _eventually(check: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


@pytest.mark.worker
def test_subscribe_fail_suspend_pay_reactivate_with_a_real_worker(
    committed, celery_worker, fake_stripe
):
    operator = user_create(email="ops-billing@tremplin.test", role=Role.OPERATOR, password="x" * 12)
    city = city_onboard(name="Bondy", slug="bondy", insee="93010", admin_email="j@bondy.test").city
    console = Client(HTTP_HOST="localhost")
    console.force_login(operator)
    webhook = Client(HTTP_HOST="localhost")
    youth = Client(HTTP_HOST="bondy.localhost")
    run = uuid.uuid4().hex[:8]  # event ids are unique for good: never reuse a leftover's
    sent: list[str] = []

    def deliver(type_: str, obj: dict, created: int) -> None:
        evt = event(f"evt_{run}_{len(sent)}", type_, obj, created)
        payload, header = signed(evt)
        response = webhook.post(
            WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        assert response.status_code == 200, response.content
        sent.append(evt["id"])
        # Stored and committed by the endpoint; the worker process applies it.
        _eventually(
            lambda: StripeEvent.objects.filter(event_id=evt["id"], processed_at__isnull=False),
            f"the worker never processed {type_}",
        )

    def state() -> str:
        return Subscription.objects.get(city=city).state

    try:
        # The operator subscribes the city from its console page: off to Stripe Checkout.
        response = console.post("/console/villes/bondy/souscrire/", {"plan": "essentiel"})
        assert response.status_code == 303
        assert response["Location"].startswith("https://checkout.stripe.test/c/pay/")
        customer = Subscription.objects.get(city=city).stripe_customer_id
        sub_id, now = f"sub_{run}", int(time.time())
        start = now - 40 * DAY

        # Paid at Checkout: Stripe sends the completed session, the subscription, the invoice.
        deliver("checkout.session.completed", checkout_session("cs", customer, sub_id, "bondy"),
                start)  # fmt: skip
        deliver("customer.subscription.created",
                subscription(sub_id, customer, "active", city="bondy"), start)  # fmt: skip
        deliver("invoice.paid", invoice("in_1", customer, sub_id), start)
        assert state() == BillingState.ACTIVE
        page = console.get("/console/villes/bondy/").content.decode()
        assert "Essentiel" in page and "À jour" in page

        # A renewal fails 8 days ago: past due, grace period (7 days) already over.
        failed_at = now - 8 * DAY
        deliver("invoice.payment_failed", invoice("in_2", customer, sub_id), failed_at)
        deliver("customer.subscription.updated",
                subscription(sub_id, customer, "past_due", city="bondy"), failed_at)  # fmt: skip
        assert state() == BillingState.PAST_DUE
        assert City.objects.get(pk=city.pk).status == CityStatus.ACTIVE
        page = console.get("/console/villes/bondy/").content.decode()
        assert "Paiement en retard" in page and "Fin du délai de grâce" in page

        # The beat task suspends it (Stripe confirms it is still unpaid).
        fake_stripe.subscription_status[sub_id] = "past_due"
        assert suspend_overdue_cities() == ["bondy"]
        assert City.objects.get(pk=city.pk).status == CityStatus.SUSPENDED
        closed = youth.get("/")
        assert closed.status_code == 503 and "Service en maintenance" in closed.content.decode()
        assert "Suspendue" in console.get("/console/villes/bondy/").content.decode()

        # The invoice is paid: the worker reactivates the city, the portal reopens.
        deliver("invoice.paid", invoice("in_2", customer, sub_id), now)
        assert state() == BillingState.ACTIVE
        assert City.objects.get(pk=city.pk).status == CityStatus.ACTIVE
        _eventually(lambda: youth.get("/").status_code == 200, "the portal never reopened")
        actors = list(
            AuditEntry.objects.filter(city=city, action__startswith="city.")
            .order_by("created_at")
            .values_list("action", "actor")
        )
        assert actors[-2:] == [("city.suspended", "billing"), ("city.reactivated", "billing")]
    finally:
        StripeEvent.objects.filter(event_id__in=sent).delete()
        AuditEntry.objects.filter(city=city).delete()
