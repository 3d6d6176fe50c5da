"""Every credential path has its limit: sign-up, password reset (and its mails), invitation,
e-mail verification and its resending. Past it: 429, Retry-After, French (JSON on the API)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from shared_apps.accounts.models import Role, User
from tenants.context import in_city
from tests.conftest import PASSWORD, host_of

ATTACKER = "198.51.100.23"


@pytest.fixture
def rates(settings):
    def set_rates(**rates: str) -> None:
        settings.TREMPLIN_RATE_LIMITS = {**settings.TREMPLIN_RATE_LIMITS, **rates}

    return set_rates


def page(city, ip: str = ATTACKER) -> Client:
    return Client(HTTP_HOST=host_of(city), REMOTE_ADDR=ip)


def api(city, ip: str = ATTACKER, token: str | None = None) -> APIClient:
    client = APIClient(HTTP_HOST=host_of(city), REMOTE_ADDR=ip)
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def assert_page_429(response) -> None:
    assert response.status_code == 429, response.status_code
    assert int(response["Retry-After"]) > 0
    text = response.content.decode()
    assert "Trop de tentatives" in text and 'lang="fr"' in text


def assert_api_429(response) -> None:
    assert response.status_code == 429, response.status_code
    assert int(response["Retry-After"]) > 0
    assert response.json() == {
        "error": {
            "code": "rate_limited",
            "message": response.json()["error"]["message"],
            "fields": {},
        }
    }
    assert response.json()["error"]["message"].startswith("Trop de tentatives")


def signup_form(email: str) -> dict:
    return {"email": email, "password": PASSWORD, "birth_date": "2006-05-04", "accept_terms": "on"}


def signup_body(email: str) -> dict:
    return {"email": email, "password": PASSWORD, "birth_date": "2006-05-04", "accept_terms": True}


# Sign-up


def test_signup_page_is_limited_per_client(grigny, rates):
    rates(sign_up_client="2/h")
    client = page(grigny)
    for n in range(2):
        assert client.post("/inscription/", signup_form(f"jeune{n}@exemple.fr")).status_code == 302
        client.post("/deconnexion/")
    assert_page_429(client.post("/inscription/", signup_form("jeune9@exemple.fr")))
    assert page(grigny, "192.0.2.8").post("/inscription/", signup_form("a@b.fr")).status_code == 302


def test_signup_api_is_limited_per_client_and_per_address(grigny, rates):
    rates(sign_up_client="3/h", sign_up_account="2/h")
    for n in range(2):  # the same address from two clients: the second answers like a new one
        assert api(grigny, f"192.0.2.{n}").post(
            "/api/v1/auth/signup/", signup_body("lea@exemple.fr"), format="json"
        ).status_code == 201  # fmt: skip
    again = api(grigny, "192.0.2.9").post(
        "/api/v1/auth/signup/", signup_body("LEA@exemple.fr"), format="json"
    )
    assert_api_429(again)
    client = api(grigny)
    for n in range(3):
        body = signup_body(f"jeune{n}@exemple.fr")
        assert client.post("/api/v1/auth/signup/", body, format="json").status_code == 201
    body = signup_body("jeune9@exemple.fr")
    assert_api_429(client.post("/api/v1/auth/signup/", body, format="json"))


# Password reset


def test_password_reset_is_limited_per_client(grigny, rates):
    rates(password_reset_client="2/h")
    client = page(grigny)
    for n in range(2):
        sent = client.post("/mot-de-passe/oublie/", {"email": f"x{n}@grigny.test"})
        assert sent.status_code == 302
    assert_page_429(client.post("/mot-de-passe/oublie/", {"email": "x9@grigny.test"}))


def test_reset_mails_to_one_address_stop_and_the_page_says_the_same(grigny, make_user):
    """Three mails an hour to one address (the default), from any client; the answer never
    changes, so it tells nothing about the account, nor that someone keeps asking."""
    make_user(grigny, "lea@grigny.test")
    answers = [
        page(grigny, f"192.0.2.{n}").post("/mot-de-passe/oublie/", {"email": "LEA@grigny.test"})
        for n in range(5)
    ]
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, "/mot-de-passe/oublie/envoye/")
    }
    assert [m.to for m in mail.outbox] == [["lea@grigny.test"]] * 3


def test_reset_links_are_limited_per_client(grigny, rates):
    rates(password_reset_confirm_client="2/h")
    client = page(grigny)
    for _ in range(2):
        assert client.get("/mot-de-passe/nouveau/MQ/nimportequoi/").status_code == 200
    assert_page_429(client.get("/mot-de-passe/nouveau/MQ/nimportequoi/"))


def test_the_reset_link_is_built_from_the_city_canonical_url(grigny, make_user):
    make_user(grigny, "lea@grigny.test")
    # Posted through a Host header with another port (an internal one, or a proxy's).
    Client(HTTP_HOST="grigny.localhost:9999").post(
        "/mot-de-passe/oublie/", {"email": "lea@grigny.test"}
    )
    links = re.findall(r"https?://\S+", mail.outbox[0].body)
    assert links and all(link.startswith("http://grigny.localhost:8000/") for link in links)


# Invitation


def test_invitation_links_are_limited_per_client(grigny, rates):
    rates(invitation_client="2/h")
    client = page(grigny)
    for n in range(2):
        assert client.get(f"/invitation/devine-{n}/").status_code == 404
    assert_page_429(client.get("/invitation/devine-9/"))
    assert_page_429(client.post("/invitation/devine-9/", {"password": "x" * 12}))


# E-mail verification


def test_verification_links_are_limited_per_client(grigny, rates):
    rates(verify_email_client="2/h")
    client = page(grigny)
    for n in range(2):
        assert client.get(f"/compte/verifier/faux-{n}/").status_code == 404
    assert_page_429(client.get("/compte/verifier/faux-9/"))
    assert_api_429(api(grigny).post("/api/v1/auth/verify-email/", {"token": "x"}, format="json"))


def test_resending_the_verification_is_limited_per_account(
    grigny, rates, django_capture_on_commit_callbacks
):
    rates(verify_email_resend_account="2/h")
    signup = api(grigny).post("/api/v1/auth/signup/", signup_body("lea@exemple.fr"), format="json")
    token = signup.json()["token"]
    for n in range(2):  # from two clients
        with django_capture_on_commit_callbacks(execute=True):
            resent = api(grigny, f"192.0.2.{n}", token).post("/api/v1/me/verification/resend/")
        assert resent.json() == {"sent": True}
    assert_api_429(api(grigny, "192.0.2.9", token).post("/api/v1/me/verification/resend/"))
    client = page(grigny)
    with in_city(grigny):
        client.force_login(User.objects.get(email="lea@exemple.fr"))
    assert_page_429(client.post("/compte/verifier/renvoyer/"))
    assert len(mail.outbox) == 2


def test_the_limits_of_one_city_are_its_own(grigny, gennevilliers, rates, make_user):
    rates(password_reset_client="1/h")
    assert page(grigny).post("/mot-de-passe/oublie/", {"email": "a@b.fr"}).status_code == 302
    assert_page_429(page(grigny).post("/mot-de-passe/oublie/", {"email": "a@b.fr"}))
    there = page(gennevilliers).post("/mot-de-passe/oublie/", {"email": "a@b.fr"})
    assert there.status_code == 302


def test_staff_roles_are_unaffected_by_youth_limits(grigny, make_user, rates):
    """A sign-in is counted by the sign-in limits only: a staff member who signs up nothing
    signs in as before."""
    rates(sign_up_client="1/h")
    make_user(grigny, "agent@grigny.test", Role.EDITOR)
    client = page(grigny)
    client.post("/inscription/", signup_form("jeune@exemple.fr"))
    client.post("/deconnexion/")
    assert_page_429(client.post("/inscription/", signup_form("autre@exemple.fr")))
    signed_in = client.post("/connexion/", {"username": "agent@grigny.test", "password": PASSWORD})
    assert signed_in.status_code == 302
