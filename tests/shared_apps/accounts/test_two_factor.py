"""Two-factor authentication: required for operators before the console (and an API token),
offered to city admins; an authenticator app (TOTP) and single-use recovery codes."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.two_factor import (
    two_factor_enabled,
    two_factor_enrolment_confirm,
    two_factor_enrolment_start,
)
from tenants.context import in_city
from tenants.portability import NEVER_EXPORTED
from tests.conftest import PASSWORD, host_of

OPERATOR = "ops-2fa@tremplin.test"
ADMIN = "admin-2fa@grigny.test"
WRONG = "est pas le bon"  # « Ce code n'est pas le bon … », HTML-escaped on pages


@pytest.fixture(autouse=True)
def _operators_need_it(settings):
    settings.TREMPLIN_OPERATOR_2FA = True


def code(device: TOTPDevice, *, step: int = 0) -> str:
    """The app's code now (step 0) or `step` periods later: a code is accepted once, so a
    second sign-in in the same 30 seconds uses the next one (within the tolerance)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code(device)) + 500_000) % 1_000_000:06d}"


def after_a_failure() -> None:
    """django-otp makes the next try wait after a wrong code (1 s after the first)."""
    time.sleep(1.1)


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    """`user` with an authenticator app set up (in the current schema); its recovery codes."""
    device = two_factor_enrolment_start(user=user).device
    device, codes = two_factor_enrolment_confirm(user=user, code=code(device))
    return device, codes


def sign_in(client: Client, email: str, next_url: str = "/"):
    return client.post(
        f"/connexion/?next={next_url}", {"username": email, "password": PASSWORD, "next": next_url}
    )


@pytest.fixture
def operator_2fa(make_user) -> tuple[User, TOTPDevice, list[str]]:
    user = make_user(None, OPERATOR, Role.OPERATOR)
    device, codes = enrolled(user)
    return user, device, codes


@pytest.fixture
def admin(make_user, grigny) -> User:
    return make_user(grigny, ADMIN, Role.ADMIN)


# Operators


def test_an_operator_without_it_is_sent_to_set_it_up_before_the_console(make_user, public_host):
    operator = make_user(None, OPERATOR, Role.OPERATOR)
    client = Client(HTTP_HOST=public_host)
    response = sign_in(client, OPERATOR, "/console/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/double-authentification/"
    assert client.get("/console/")["Location"].startswith("/connexion/")  # not signed in
    setup = client.get("/connexion/double-authentification/").content.decode()
    assert "<svg" in setup and "<script" not in setup  # the QR code, inline, no JavaScript
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    assert device.config_url.split("secret=")[1][:4] in setup.replace(" ", "")
    refused = client.post("/connexion/double-authentification/", {"code": wrong_code(device)})
    assert refused.status_code == 200 and WRONG in refused.content.decode()
    after_a_failure()
    done = client.post("/connexion/double-authentification/", {"code": code(device)})
    assert done.status_code == 200
    page = done.content.decode()
    assert "Tes codes de secours" in page and 'href="/console/"' in page
    codes = list(StaticToken.objects.filter(device__user=operator).values_list("token", flat=True))
    assert len(codes) == 10 and all(c in page for c in codes)
    assert client.get("/console/").status_code == 200


def test_with_it_sign_in_asks_the_code(operator_2fa, public_host):
    _user, device, _codes = operator_2fa
    client = Client(HTTP_HOST=public_host)
    response = sign_in(client, OPERATOR, "/console/")
    assert response.status_code == 302 and response["Location"] == "/connexion/code/"
    assert client.get("/console/")["Location"].startswith("/connexion/")  # not yet
    refused = client.post("/connexion/code/", {"code": wrong_code(device)})
    assert refused.status_code == 200 and WRONG in refused.content.decode()
    after_a_failure()
    passed = client.post("/connexion/code/", {"code": code(device, step=1)})
    assert passed.status_code == 302 and passed["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_a_wrong_code_is_refused_and_rate_limited(operator_2fa, public_host):
    _user, device, _codes = operator_2fa
    client = Client(HTTP_HOST=public_host)
    sign_in(client, OPERATOR)
    for _ in range(5):
        refused = client.post("/connexion/code/", {"code": wrong_code(device)})
        assert WRONG in refused.content.decode()
    limited = client.post("/connexion/code/", {"code": code(device, step=1)})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "Trop de tentatives" in limited.content.decode()
    assert client.get("/console/").status_code == 302


def test_a_recovery_code_works_once(operator_2fa, public_host):
    _user, _device, codes = operator_2fa
    client = Client(HTTP_HOST=public_host)
    sign_in(client, OPERATOR, "/console/")
    used = client.post("/connexion/code/", {"code": codes[0].upper()}, follow=True)
    assert used.status_code == 200 and "il t&#x27;en reste 9" in used.content.decode()
    client.post("/deconnexion/")
    again = Client(HTTP_HOST=public_host)
    sign_in(again, OPERATOR)
    assert WRONG in again.post("/connexion/code/", {"code": codes[0]}).content.decode()
    after_a_failure()
    assert again.post("/connexion/code/", {"code": codes[1]}).status_code == 302


def test_an_operator_cannot_turn_it_off(operator_2fa, public_host):
    user, device, _codes = operator_2fa
    client = Client(HTTP_HOST=public_host)
    sign_in(client, OPERATOR)
    client.post("/connexion/code/", {"code": code(device, step=1)})
    manage = client.get("/connexion/double-authentification/").content.decode()
    assert "obligatoire pour les opérateurs" in manage and "desactiver" not in manage
    client.post("/connexion/double-authentification/desactiver/", {"code": "x"})
    assert two_factor_enabled(user)


def test_a_session_that_skipped_the_second_factor_is_signed_out(make_user, public_host):
    operator = make_user(None, OPERATOR, Role.OPERATOR)
    client = Client(HTTP_HOST=public_host)
    client.force_login(operator)  # a session opened before 2FA was required, say
    assert client.get("/console/")["Location"].startswith("/connexion/")
    assert client.get("/console/")["Location"].startswith("/connexion/")  # it stays out


def test_an_operator_token_needs_the_code(operator_2fa, public_host, make_user):
    _user, device, _codes = operator_2fa
    api = APIClient(HTTP_HOST=public_host)
    body = {"email": OPERATOR, "password": PASSWORD}
    missing = api.post("/api/v1/auth/token/", body, format="json")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "otp_required"
    assert "otp" in missing.json()["error"]["fields"]
    wrong = api.post("/api/v1/auth/token/", {**body, "otp": wrong_code(device)}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_code"
    after_a_failure()
    right = api.post("/api/v1/auth/token/", {**body, "otp": code(device, step=1)}, format="json")
    assert right.status_code == 200
    cities = APIClient(HTTP_HOST=public_host, HTTP_AUTHORIZATION=f"Bearer {right.json()['token']}")
    assert cities.get("/api/v1/cities/").status_code == 200
    make_user(None, "ops-sans@tremplin.test", Role.OPERATOR)
    unset = api.post(
        "/api/v1/auth/token/", {"email": "ops-sans@tremplin.test", "password": PASSWORD},
        format="json",
    )  # fmt: skip
    assert unset.status_code == 403
    assert unset.json()["error"]["code"] == "two_factor_setup_required"


# City admins


def test_a_city_admin_can_opt_in_and_then_signs_in_with_a_code(admin, grigny):
    client = Client(HTTP_HOST=host_of(grigny))
    assert sign_in(client, ADMIN, "/staff/offres/")["Location"] == "/staff/offres/"  # no code
    assert (
        'href="/connexion/double-authentification/"'
        in client.get("/staff/offres/").content.decode()
    )
    setup = client.get("/connexion/double-authentification/")
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    with in_city(grigny):
        device = TOTPDevice.objects.get(user=admin, confirmed=False)
    done = client.post("/connexion/double-authentification/", {"code": code(device)})
    assert "Tes codes de secours" in done.content.decode()
    assert client.get("/staff/offres/").status_code == 200  # this session gave a code
    client.post("/deconnexion/")
    response = sign_in(client, ADMIN, "/staff/offres/")
    assert response["Location"] == "/connexion/code/"
    passed = client.post("/connexion/code/", {"code": code(device, step=1)})
    assert passed["Location"] == "/staff/offres/"
    manage = client.get("/connexion/double-authentification/").content.decode()
    assert "Il te reste 10 codes de secours" in manage


def test_a_city_admin_turns_it_off_for_themselves_with_a_code(admin, grigny):
    with in_city(grigny):
        _device, codes = enrolled(admin)
    client = Client(HTTP_HOST=host_of(grigny))
    sign_in(client, ADMIN)
    client.post("/connexion/code/", {"code": codes[0]})
    refused = client.post("/connexion/double-authentification/desactiver/", {"code": "000"})
    assert refused.status_code == 302
    with in_city(grigny):
        assert two_factor_enabled(admin)
    after_a_failure()
    off = client.post("/connexion/double-authentification/desactiver/", {"code": codes[1]})
    assert off.status_code == 302
    with in_city(grigny):
        assert not two_factor_enabled(admin)
    client.post("/deconnexion/")
    assert sign_in(client, ADMIN)["Location"] == "/"  # the password alone again


def test_new_recovery_codes_replace_the_old_ones(admin, grigny):
    with in_city(grigny):
        _device, old = enrolled(admin)
    client = Client(HTTP_HOST=host_of(grigny))
    sign_in(client, ADMIN)
    client.post("/connexion/code/", {"code": old[0]})
    renewed = client.post("/connexion/double-authentification/codes/", {"code": old[1]})
    assert renewed.status_code == 200
    with in_city(grigny):
        new = list(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/deconnexion/")
    sign_in(client, ADMIN)
    assert WRONG in client.post("/connexion/code/", {"code": old[2]}).content.decode()
    after_a_failure()
    assert client.post("/connexion/code/", {"code": new[0]}).status_code == 302


def test_an_admin_session_without_the_code_is_signed_out_once_it_is_on(admin, grigny):
    client = Client(HTTP_HOST=host_of(grigny))
    with in_city(grigny):
        client.force_login(admin)
    assert client.get("/staff/offres/").status_code == 200
    with in_city(grigny):
        enrolled(admin)  # turned on from another browser
    assert client.get("/staff/offres/")["Location"].startswith("/connexion/")


def test_an_admin_token_needs_the_code_once_it_is_on(admin, grigny):
    with in_city(grigny):
        device, _codes = enrolled(admin)
    api = APIClient(HTTP_HOST=host_of(grigny))
    body = {"email": ADMIN, "password": PASSWORD}
    assert api.post("/api/v1/auth/token/", body, format="json").status_code == 400
    right = api.post("/api/v1/auth/token/", {**body, "otp": code(device, step=1)}, format="json")
    assert right.status_code == 200


def test_the_same_address_in_another_city_keeps_its_own_setting(admin, grigny, make_user):
    """Devices live in the account's schema: Gennevilliers' admin of the same address is
    asked nothing."""
    from tenants.models import City

    gennevilliers = City.objects.get(slug="gennevilliers")
    make_user(gennevilliers, ADMIN, Role.ADMIN)
    with in_city(grigny):
        enrolled(admin)
    assert sign_in(Client(HTTP_HOST=host_of(grigny)), ADMIN)["Location"] == "/connexion/code/"
    assert sign_in(Client(HTTP_HOST=host_of(gennevilliers)), ADMIN)["Location"] == "/"


def test_young_people_and_other_staff_are_not_offered_it(grigny, make_user):
    for email, role in (("jeune@grigny.test", Role.YOUTH), ("ed@grigny.test", Role.EDITOR)):
        make_user(grigny, email, role)
        client = Client(HTTP_HOST=host_of(grigny))
        sign_in(client, email)
        refused = client.get("/connexion/double-authentification/")
        assert refused.status_code == 403 and "administrateurs" in refused.content.decode()
    assert "double-authentification" not in client.get("/staff/offres/").content.decode()
    anonymous = Client(HTTP_HOST=host_of(grigny))
    assert anonymous.get("/connexion/double-authentification/")["Location"] == "/connexion/"
    renew = anonymous.post("/connexion/double-authentification/codes/", {"code": "x"})
    assert renew["Location"].startswith("/connexion/?next=")


def test_the_second_factor_never_leaves_in_a_city_archive():
    assert {"otp_totp_totpdevice", "otp_static_staticdevice", "otp_static_statictoken"} <= (
        NEVER_EXPORTED
    )
