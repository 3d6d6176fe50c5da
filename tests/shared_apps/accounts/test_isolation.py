"""An account, a session or a token from one city is worthless on another."""

from __future__ import annotations

from django.test import Client

from shared_apps.accounts.models import User
from shared_apps.accounts.services import token_create
from tenants.context import in_city
from tests.conftest import PASSWORD


def _login(client: Client, email: str) -> int:
    return client.post("/connexion/", {"username": email, "password": PASSWORD}).status_code


def test_account_from_one_city_cannot_log_in_on_another(make_user, grigny, gennevilliers):
    make_user(grigny, "lea@grigny.test")
    assert _login(Client(HTTP_HOST="grigny.localhost"), "lea@grigny.test") == 302
    response = Client(HTTP_HOST="gennevilliers.localhost").post(
        "/connexion/", {"username": "lea@grigny.test", "password": PASSWORD}
    )
    assert response.status_code == 200 and "incorrect" in response.content.decode()


def test_session_cookie_from_one_city_is_rejected_on_another(make_user, grigny, gennevilliers):
    make_user(grigny, "lea@grigny.test")
    grigny_client = Client(HTTP_HOST="grigny.localhost")
    _login(grigny_client, "lea@grigny.test")
    session_cookie = grigny_client.cookies["sessionid"]
    assert session_cookie["domain"] == ""  # host-only: browsers never send it elsewhere
    assert "Se déconnecter" in grigny_client.get("/").content.decode()  # signed in there

    # Even if the cookie is replayed on another city's host, that schema has no such session.
    other = Client(HTTP_HOST="gennevilliers.localhost")
    other.cookies["sessionid"] = session_cookie.value
    page = other.get("/").content.decode()
    assert "Se déconnecter" not in page and "Se connecter" in page


def test_token_from_one_city_is_rejected_on_another(api_for, make_user, grigny, gennevilliers):
    user = make_user(grigny, "lea@grigny.test")
    with in_city(grigny):
        token = token_create(user=user)
    assert api_for(grigny, token).get("/api/v1/cities/").status_code == 404  # city host
    response = api_for(gennevilliers, token).post("/api/v1/auth/token/", {})
    assert response.status_code == 400  # the endpoint ignores tokens; it asks for credentials
    assert api_for("gennevilliers.localhost", token).get("/api/v1/auth/me/").status_code == 401


def test_token_endpoint_issues_a_token_valid_only_on_its_host(
    api_for, make_user, grigny, gennevilliers
):
    make_user(grigny, "lea@grigny.test")
    response = api_for(grigny).post(
        "/api/v1/auth/token/", {"email": "LEA@grigny.test", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert api_for(grigny, token).get("/api/v1/auth/me/").status_code == 200
    denied = api_for(gennevilliers, token).get("/api/v1/auth/me/")
    assert denied.status_code == 401
    assert denied.json()["error"]["code"] == "authentication_failed"


def test_wrong_credentials_give_the_error_shape(api_for, grigny):
    response = api_for(grigny).post(
        "/api/v1/auth/token/", {"email": "nobody@grigny.test", "password": "x"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_credentials",
            "message": "E-mail ou mot de passe incorrect.",
            "fields": {},
        }
    }


def test_token_endpoint_validates_input(api_for, grigny):
    response = api_for(grigny).post("/api/v1/auth/token/", {"email": "nope"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and set(error["fields"]) == {"email", "password"}


def test_malformed_json_is_a_400_not_a_500(api_for, grigny):
    response = api_for(grigny).post(
        "/api/v1/auth/token/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_users_live_in_their_own_schema(make_user, grigny, gennevilliers):
    make_user(grigny, "lea@grigny.test")
    with in_city(gennevilliers):
        assert not User.objects.filter(email="lea@grigny.test").exists()
    assert not User.objects.filter(email="lea@grigny.test").exists()  # nor in public


def test_deleting_an_operator_in_public_ignores_city_only_tables(make_user):
    from shared_apps.accounts.services import user_delete

    operator = make_user(None, "old-ops@tremplin.test", "operator")
    token_create(user=operator)
    user_delete(user=operator)  # bookings, profiles… exist only in city schemas
    assert not User.objects.filter(email="old-ops@tremplin.test").exists()
