"""Staff « Facturation »: the city admin sees plan and state and opens Stripe's Billing Portal."""

from __future__ import annotations

import pytest

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from shared_apps.billing.models import BillingState, Subscription
from tenants import lifecycle
from tenants.context import in_city

PAGE = "/staff/facturation/"
PORTAL = "/staff/facturation/portail/"


@pytest.fixture
def signed_in(client_for, make_user):
    def make(city, role):
        user = make_user(city, f"{role}@{city.slug}.test", role)
        client = client_for(city)
        with in_city(city):  # the session lives in the city's schema
            client.force_login(user)
        return client

    return make


@pytest.fixture
def subscribed(grigny):
    return Subscription.objects.create(
        city=grigny, plan="essentiel", state=BillingState.ACTIVE, stripe_customer_id="cus_grigny"
    )


def test_admin_sees_plan_state_and_opens_the_portal(signed_in, grigny, subscribed, fake_stripe):
    admin = signed_in(grigny, Role.ADMIN)
    assert 'href="/staff/facturation/"' in admin.get("/staff/offres/").content.decode()
    page = admin.get(PAGE).content.decode()
    assert "Essentiel" in page and "À jour" in page
    assert f'action="{PORTAL}"' in page and "csrfmiddlewaretoken" in page
    response = admin.post(PORTAL)
    assert response.status_code == 303
    assert response["Location"].startswith("https://billing.stripe.test/p/session/bps_fake")
    [call] = fake_stripe.calls("POST", "/v1/billing_portal/sessions")
    assert call.params["customer"] == "cus_grigny"
    assert call.params["return_url"] == "http://grigny.localhost:8000/staff/facturation/"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER, Role.PARTNER])
def test_other_roles_get_the_403_page(signed_in, grigny, subscribed, fake_stripe, role):
    client = signed_in(grigny, role)
    assert 'href="/staff/facturation/"' not in client.get("/staff/offres/").content.decode()
    for response in (client.get(PAGE), client.post(PORTAL)):
        assert response.status_code == 403 and "Accès réservé" in response.content.decode()
    assert fake_stripe.requests == []


def test_anonymous_is_sent_to_sign_in(client_for, grigny, fake_stripe):
    response = client_for(grigny).post(PORTAL)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert fake_stripe.requests == []


def test_no_subscription_yet_is_explained_not_a_500(signed_in, grigny, fake_stripe):
    admin = signed_in(grigny, Role.ADMIN)
    page = admin.get(PAGE).content.decode()
    assert "Sans abonnement" in page and PORTAL not in page
    followed = admin.post(PORTAL, follow=True).content.decode()
    assert "Aucun abonnement n&#x27;a encore été souscrit" in followed
    assert fake_stripe.requests == []


def test_stripe_refusal_is_a_french_message(signed_in, grigny, subscribed, fake_stripe):
    fake_stripe.refuse("POST", "/v1/billing_portal/sessions", "No configuration provided")
    admin = signed_in(grigny, Role.ADMIN)
    response = admin.post(PORTAL)
    assert response.status_code == 302 and response["Location"] == PAGE
    page = admin.get(PAGE).content.decode()
    assert "Stripe n&#x27;a pas pu ouvrir le portail de facturation" in page


def test_another_citys_admin_never_reaches_this_citys_billing(
    signed_in, grigny, gennevilliers, subscribed, fake_stripe
):
    other = signed_in(gennevilliers, Role.ADMIN)
    page = other.get(PAGE).content.decode()
    assert "Sans abonnement" in page and "Essentiel" not in page
    other.post(PORTAL)
    assert fake_stripe.calls("POST", "/v1/billing_portal/sessions") == []
    # Gennevilliers' session means nothing on Grigny's host.
    assert other.get(PAGE, HTTP_HOST="grigny.localhost").status_code == 302


def test_a_suspended_citys_admin_can_still_open_the_portal_to_pay(
    signed_in, make_user, api_for, grigny, subscribed, fake_stripe
):
    admin = signed_in(grigny, Role.ADMIN)
    viewer = signed_in(grigny, Role.VIEWER)
    lifecycle.city_suspend(city=grigny, by="billing", reason="payment_failed")
    assert admin.get(PAGE).status_code == 200
    assert admin.post(PORTAL).status_code == 303
    assert viewer.post(PORTAL).status_code == 403  # the view's role check still holds
    # The API twin too; every other write stays refused.
    with in_city(grigny):
        token = token_create(user=make_user(grigny, "admin-api@grigny.test", Role.ADMIN))
    assert api_for(grigny, token).post("/api/v1/billing/portal/").status_code == 201
    assert admin.post("/staff/offres/nouvelle/", {"title": "x"}).status_code == 403
    assert len(fake_stripe.calls("POST", "/v1/billing_portal/sessions")) == 2
