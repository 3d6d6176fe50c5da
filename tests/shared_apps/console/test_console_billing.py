"""Console billing block: plan and state, and « Souscrire via Stripe » (Checkout, 303)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from shared_apps.accounts.models import Role
from shared_apps.billing.models import BillingState, Subscription
from tenants.models import AuditEntry

SUBSCRIBE = "/console/villes/grigny/souscrire/"


@pytest.fixture
def console(operator, public_host) -> Client:
    client = Client(HTTP_HOST=public_host)
    client.force_login(operator)
    return client


def test_the_city_page_shows_plan_state_and_a_subscribe_form(console, grigny):
    page = console.get("/console/villes/grigny/").content.decode()
    assert "Facturation" in page and "Souscrire via Stripe" in page
    assert 'action="/console/villes/grigny/souscrire/"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'value="essentiel"' in page and 'value="territoire"' in page


def test_past_due_shows_the_grace_end_and_no_subscribe_form(console, grigny):
    grace = timezone.now() + timedelta(days=3)
    Subscription.objects.create(
        city=grigny, plan="territoire", state=BillingState.PAST_DUE, grace_until=grace
    )
    page = console.get("/console/villes/grigny/").content.decode()
    assert "Territoire" in page and "Paiement en retard" in page
    assert "Fin du délai de grâce" in page
    assert "Souscrire via Stripe" not in page


def test_subscribe_redirects_to_stripe_checkout_and_is_audited(
    console, grigny, operator, fake_stripe
):
    response = console.post(SUBSCRIBE, {"plan": "territoire"})
    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.test/c/pay/cs_test_fake")
    [session] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert session.params["line_items[0][price]"] == "price_tremplin_territoire"
    assert session.params["client_reference_id"] == "grigny"
    back = "http://localhost:8000/console/villes/grigny/"
    assert session.params["success_url"] == back + "?paiement=ok"
    assert session.params["cancel_url"] == back + "?paiement=annule"
    entry = AuditEntry.objects.get(city=grigny, action="billing.checkout_created")
    assert (entry.actor, entry.details["plan"]) == (operator.email, "territoire")
    assert Subscription.objects.get(city=grigny).plan == "territoire"
    back_page = console.get("/console/villes/grigny/", {"paiement": "annule"}).content.decode()
    assert "Paiement abandonné" in back_page


@pytest.mark.parametrize("plan", ["", "gratuit"])
def test_subscribe_needs_a_listed_plan(console, grigny, fake_stripe, plan):
    response = console.post(SUBSCRIBE, {"plan": plan}, follow=True)
    assert "Choisis une formule" in response.content.decode()
    assert fake_stripe.requests == []


def test_stripe_refusal_is_a_french_message_not_a_500(console, grigny, fake_stripe):
    fake_stripe.refuse("POST", "/v1/checkout/sessions", "No such price: 'price_x'")
    response = console.post(SUBSCRIBE, {"plan": "essentiel"})
    assert response.status_code == 302
    assert response["Location"] == "/console/villes/grigny/"
    page = console.get(response["Location"]).content.decode()
    assert "Stripe n&#x27;a pas pu ouvrir le paiement" in page
    assert not AuditEntry.objects.filter(city=grigny, action="billing.checkout_created").exists()


@override_settings(STRIPE_SECRET_KEY="")
def test_stripe_not_configured_is_a_french_message(console, grigny):
    page = console.post(SUBSCRIBE, {"plan": "essentiel"}, follow=True).content.decode()
    assert "Le paiement en ligne n&#x27;est pas configuré" in page


def test_already_subscribed_points_to_the_portal(console, grigny, fake_stripe):
    Subscription.objects.create(city=grigny, plan="essentiel", state=BillingState.ACTIVE)
    page = console.post(SUBSCRIBE, {"plan": "essentiel"}, follow=True).content.decode()
    assert "portail de facturation" in page
    assert fake_stripe.requests == []


def test_only_operators_subscribe_and_only_on_the_public_host(
    grigny, make_user, public_host, client_for, fake_stripe
):
    admin = make_user(None, "curieux@tremplin.test", Role.ADMIN)
    client = Client(HTTP_HOST=public_host)
    client.force_login(admin)
    assert client.post(SUBSCRIBE, {"plan": "essentiel"}).status_code == 403
    anonymous = client_for(public_host).post(SUBSCRIBE, {"plan": "essentiel"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/connexion/")
    assert client_for(grigny).post(SUBSCRIBE, {"plan": "essentiel"}).status_code == 404
    assert fake_stripe.requests == []
    assert not Subscription.objects.filter(city=grigny).exists()
