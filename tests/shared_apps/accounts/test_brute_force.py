"""Guessing passwords does not pay: five wrong ones lock the (account, client) pair, on the page
and on the API, whatever X-Forwarded-For says; clients and accounts are rate-limited too; each
city counts its own. Refusals are 429s with Retry-After, in French (JSON on the API)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from shared_apps.accounts.clients import client_ip
from shared_apps.accounts.models import Role
from tests.conftest import PASSWORD, host_of

EMAIL = "lea@grigny.test"
ATTACKER = "198.51.100.23"


def page(city_or_host, *, ip: str = ATTACKER, **headers) -> Client:
    host = city_or_host if isinstance(city_or_host, str) else host_of(city_or_host)
    return Client(HTTP_HOST=host, REMOTE_ADDR=ip, **headers)


def sign_in(client: Client, password: str, email: str = EMAIL, **headers):
    return client.post("/connexion/", {"username": email, "password": password}, **headers)


def api_token(client: APIClient, password: str, email: str = EMAIL, **headers):
    body = {"email": email, "password": password}
    return client.post("/api/v1/auth/token/", body, format="json", **headers)


def assert_locked_page(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    text = response.content.decode()
    assert "essais de mot de passe pour ce compte" in text and 'lang="fr"' in text


def assert_signed_out(client: Client) -> None:
    assert client.get("/mon-compte/").status_code == 302  # the sign-in page


# The lockout (django-axes, per account and client, in the city's schema)


def test_fifty_wrong_passwords_then_the_right_one_is_still_refused(grigny, make_user):
    make_user(grigny, EMAIL)
    client = page(grigny)
    answers = [sign_in(client, f"essai {n}") for n in range(50)]
    assert [r.status_code for r in answers[:4]] == [200] * 4  # "E-mail ou mot de passe…"
    assert_locked_page(answers[4])  # the fifth failure locks
    assert {r.status_code for r in answers[4:]} == {429}  # then the client's own limit too
    right = sign_in(client, PASSWORD)
    assert right.status_code == 429 and int(right["Retry-After"]) > 0
    assert_signed_out(client)


def test_the_address_is_counted_however_it_is_written(grigny, make_user):
    make_user(grigny, EMAIL)
    client = page(grigny)
    for email in ("lea@grigny.test", "LEA@grigny.test", " Lea@Grigny.test", "lea@GRIGNY.test"):
        assert sign_in(client, "faux", email=email).status_code == 200
    assert sign_in(client, "faux", email="LEA@GRIGNY.TEST").status_code == 429


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_spoofed_x_forwarded_for_does_not_reset_the_counter(grigny, make_user, settings, proxies):
    settings.TREMPLIN_TRUSTED_PROXIES = proxies
    make_user(grigny, EMAIL)
    client = page(grigny, ip="10.0.0.2" if proxies else ATTACKER)  # the proxy, or the client

    def forwarded(n: int) -> dict:
        # The client writes whatever it likes; our proxy (when there is one) appends the
        # address it received the request from.
        spoofed = f"203.0.113.{n}, 192.0.2.{n}"
        return {"HTTP_X_FORWARDED_FOR": f"{spoofed}, {ATTACKER}" if proxies else spoofed}

    for n in range(5):
        sign_in(client, f"essai {n}", **forwarded(n))
    assert_locked_page(sign_in(client, PASSWORD, **forwarded(99)))
    api = APIClient(HTTP_HOST=host_of(grigny), REMOTE_ADDR=client.defaults["REMOTE_ADDR"])
    locked = api_token(api, PASSWORD, **forwarded(100))
    assert locked.status_code == 429


def test_the_lockout_holds_one_client_not_everyone(grigny, make_user):
    make_user(grigny, EMAIL)
    attacker = page(grigny)
    for n in range(5):
        sign_in(attacker, f"essai {n}")
    assert sign_in(attacker, PASSWORD).status_code == 429
    owner = page(grigny, ip="192.0.2.44")
    assert sign_in(owner, PASSWORD).status_code == 302


def test_another_citys_lockout_is_its_own(grigny, gennevilliers, make_user):
    make_user(grigny, EMAIL)
    make_user(gennevilliers, EMAIL)
    for n in range(5):
        sign_in(page(grigny), f"essai {n}")
    assert sign_in(page(grigny), PASSWORD).status_code == 429
    there = page(gennevilliers)  # same address, same client, another city
    assert sign_in(there, PASSWORD).status_code == 302


@pytest.mark.parametrize("where", ["city", "platform"])
def test_the_api_token_is_locked_the_same_way_on_both_hosts(where, grigny, make_user, public_host):
    if where == "city":
        make_user(grigny, EMAIL)
        host = host_of(grigny)
    else:
        make_user(None, EMAIL, Role.OPERATOR)
        host = public_host
    api = APIClient(HTTP_HOST=host, REMOTE_ADDR=ATTACKER)
    wrong = [api_token(api, f"essai {n}") for n in range(5)]
    assert [r.status_code for r in wrong[:4]] == [400] * 4
    assert wrong[0].json()["error"]["code"] == "invalid_credentials"
    locked = api_token(api, PASSWORD)
    assert locked.status_code == 429 and int(locked["Retry-After"]) == 15 * 60
    error = locked.json()["error"]
    assert error["code"] == "rate_limited" and error["fields"] == {}
    assert "Trop d'essais de mot de passe" in error["message"]
    # The page and the API share the count: the same pair is locked on the sign-in page too.
    assert sign_in(page(host), PASSWORD).status_code == 429


def test_the_lockout_ends_after_its_cool_off(grigny, make_user, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    make_user(grigny, EMAIL)
    client = page(grigny)
    for n in range(5):
        sign_in(client, f"essai {n}")
    assert sign_in(client, PASSWORD).status_code == 429
    time.sleep(2.2)
    assert sign_in(client, PASSWORD).status_code == 302


# Rate limits per client and per account (django-ratelimit)


def limited(settings, **rates: str) -> None:
    settings.TREMPLIN_RATE_LIMITS = {**settings.TREMPLIN_RATE_LIMITS, **rates}


def assert_rate_limited_page(response) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Trop de tentatives : réessaie dans" in response.content.decode()


def test_one_client_trying_many_accounts_is_slowed(grigny, settings):
    limited(settings, sign_in_client="3/15m")
    client = page(grigny)
    for n in range(3):
        assert sign_in(client, "faux", email=f"personne{n}@grigny.test").status_code == 200
    assert_rate_limited_page(sign_in(client, "faux", email="personne9@grigny.test"))
    api = APIClient(HTTP_HOST=host_of(grigny), REMOTE_ADDR=ATTACKER)
    refused = api_token(api, "faux", email="encore@grigny.test")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert sign_in(page(grigny, ip="192.0.2.44"), "faux").status_code == 200  # others go on


def test_many_clients_guessing_one_account_are_slowed(grigny, make_user, settings):
    limited(settings, sign_in_account_failures="6/h")
    make_user(grigny, EMAIL)
    for n in range(6):  # each client stays under axes' five
        assert sign_in(page(grigny, ip=f"203.0.113.{n}"), "faux").status_code == 200
    assert_rate_limited_page(sign_in(page(grigny, ip="203.0.113.200"), PASSWORD))
    other = page(grigny, ip="203.0.113.201")
    assert sign_in(other, "x", email="quelqu.un@grigny.test").status_code == 200


def test_the_throttle_of_the_api_reads_the_trusted_address_only(settings):
    request = RequestFactory().post(
        "/api/v1/auth/token/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TREMPLIN_TRUSTED_PROXIES == 0
    assert ScopedRateThrottle().get_ident(request) == ATTACKER == client_ip(request)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.TREMPLIN_TRUSTED_PROXIES = 1
    behind = RequestFactory().post(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"203.0.113.7, {ATTACKER}"
    )
    assert ScopedRateThrottle().get_ident(behind) == ATTACKER == client_ip(behind)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", ATTACKER),
        (0, "203.0.113.7", ATTACKER),  # no proxy: the header is the client's own words
        (1, "", ATTACKER),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (2, "1.2.3.4, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (3, "203.0.113.7", "203.0.113.7"),  # fewer entries than proxies: the left-most
    ],
)
def test_client_address_behind_n_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TREMPLIN_TRUSTED_PROXIES = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR=ATTACKER, **headers)) == expected


def test_with_redis_down_sign_in_still_works_without_counting(grigny, make_user, settings):
    """The limits cache down: attempts are not counted (no lockout), never a 500."""
    from tests.tremplin.test_degraded import caches_at, closed_port

    make_user(grigny, EMAIL)
    settings.CACHES = caches_at(f"redis://127.0.0.1:{closed_port()}/0")
    client = page(grigny)
    for n in range(6):
        assert sign_in(client, f"essai {n}").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302
