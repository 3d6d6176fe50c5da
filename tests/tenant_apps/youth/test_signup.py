"""Young people open an account on their city: 15 or older, e-mail verified, terms recorded."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client

from shared_apps.accounts.models import Role, User
from tenant_apps.youth.choices import TERMS_VERSION
from tenant_apps.youth.models import Consent, YouthProfile
from tenant_apps.youth.services import today_local, verification_token
from tenants.context import in_city

PASSWORD = "un mot de passe solide"


def years_ago(years: int, days: int = 0) -> date:
    today = today_local()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    return birthday + timedelta(days=days)


def body(**extra) -> dict:
    return {
        "email": "lea@exemple.fr",
        "password": PASSWORD,
        "birth_date": years_ago(17).isoformat(),
        "accept_terms": True,
    } | extra


def test_signup_api_creates_a_youth_account_with_profile_and_terms(
    api_for, grigny, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(grigny).post("/api/v1/auth/signup/", body(), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["email"] == "lea@exemple.fr" and data["email_verified"] is False
    assert api_for(grigny, data["token"]).get("/api/v1/auth/me/").json()["role"] == "youth"
    with in_city(grigny):
        user = User.objects.get(email="lea@exemple.fr")
        assert user.role == Role.YOUTH and user.display_name == ""
        assert YouthProfile.objects.get(user=user).birth_date == years_ago(17)
        consent = Consent.objects.get(user=user)
    assert (consent.kind, consent.version, consent.withdrawn_at) == ("terms", TERMS_VERSION, None)
    assert consent.given_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lea@exemple.fr"]
    assert "http://grigny.localhost:8000/compte/verifier/" in mail.outbox[0].body


def test_fifteen_today_is_old_enough(api_for, grigny):
    response = api_for(grigny).post(
        "/api/v1/auth/signup/", body(birth_date=years_ago(15).isoformat()), format="json"
    )
    assert response.status_code == 201


def test_under_fifteen_is_refused_kindly_and_nothing_is_stored(api_for, client_for, grigny):
    response = api_for(grigny).post(
        "/api/v1/auth/signup/", body(birth_date=years_ago(15, days=1).isoformat()), format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too_young" and "15 ans" in error["message"]
    assert "birth_date" in error["fields"]
    page = client_for(grigny).post(
        "/inscription/",
        {
            "email": "petit@exemple.fr",
            "password": PASSWORD,
            "birth_date": years_ago(13).isoformat(),
            "accept_terms": "on",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200 and "Encore un peu de patience" in text
    assert "parcourir sans compte" in text
    with in_city(grigny):
        assert not User.objects.filter(email__in=["lea@exemple.fr", "petit@exemple.fr"]).exists()
    assert client_for(grigny).get("/").status_code == 200  # browsing stays open


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "pas-une-adresse"}, "email"),
        ({"email": ""}, "email"),
        ({"password": "court"}, "password"),
        ({"password": "12345678901234"}, "password"),
        ({"password": "password123"}, "password"),
        ({"birth_date": "31/12/2008"}, "birth_date"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": None}, "birth_date"),
        ({"accept_terms": False}, "accept_terms"),
        ({"accept_terms": "peut-être"}, "accept_terms"),
    ],
)
def test_bad_signup_input_is_a_400_naming_the_field(api_for, grigny, changes, field):
    response = api_for(grigny).post("/api/v1/auth/signup/", body(**changes), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    with in_city(grigny):
        assert not User.objects.filter(role=Role.YOUTH).exists()


def test_missing_fields_and_non_json_bodies_are_400(api_for, grigny):
    api = api_for(grigny)
    response = api.post("/api/v1/auth/signup/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"email", "password", "birth_date"}
    response = api.post("/api/v1/auth/signup/", "{nope", content_type="application/json")
    assert response.status_code == 400


def test_weak_password_messages_speak_to_the_young_person(api_for, grigny):
    response = api_for(grigny).post("/api/v1/auth/signup/", body(password="abc"), format="json")
    assert response.json()["error"]["fields"]["password"][0].startswith("Ton mot de passe")


def test_an_address_already_used_answers_like_a_new_one_and_mails_its_owner(
    api_for, grigny, django_capture_on_commit_callbacks
):
    """No account enumeration: the same 201 and body; the owner learns it by mail."""
    first = api_for(grigny).post("/api/v1/auth/signup/", body(), format="json")
    assert first.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        again = api_for(grigny).post(
            "/api/v1/auth/signup/",
            body(email="LEA@exemple.fr", password="un autre mot de passe"),
            format="json",
        )
    assert again.status_code == 201
    assert again.json().keys() == first.json().keys()
    assert again.json()["email"] == "lea@exemple.fr" and again.json()["email_verified"] is False
    assert len(again.json()["token"]) == len(first.json()["token"])
    assert "existe" not in again.content.decode()
    # The token opens nothing; the account and its password are untouched.
    assert api_for(grigny, again.json()["token"]).get("/api/v1/auth/me/").status_code == 401
    with in_city(grigny):
        assert User.objects.filter(email="lea@exemple.fr").count() == 1
        assert User.objects.get(email="lea@exemple.fr").check_password(PASSWORD)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lea@exemple.fr"]
    text = mail.outbox[0].body
    assert "Tu as déjà un compte" in text and "aucun autre n'a été créé" in text
    assert "http://grigny.localhost:8000/connexion/" in text
    assert "http://grigny.localhost:8000/mot-de-passe/oublie/" in text


def test_the_signup_page_answers_a_known_address_like_a_new_one(
    client_for, grigny, make_user, django_capture_on_commit_callbacks
):
    make_user(grigny, "lea@grigny.test")

    def submit(email: str):
        client = client_for(grigny)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/inscription/",
                {
                    "email": email,
                    "password": PASSWORD,
                    "accept_terms": "on",
                    "birth_date": years_ago(19).isoformat(),
                },
            )
        return client, response

    new_client, new = submit("nouveau@grigny.test")
    known_client, known = submit("LEA@grigny.test")
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert set(known.cookies) == set(new.cookies)  # new session, new CSRF token, the message
    assert new_client.get("/mon-compte/").status_code == 200
    assert known_client.get("/mon-compte/").status_code == 302  # nobody signed in
    assert [m.to for m in mail.outbox] == [["nouveau@grigny.test"], ["lea@grigny.test"]]
    assert "Tu as déjà un compte" in mail.outbox[1].body


def test_signup_is_a_city_host_thing(api_for, public_host):
    response = api_for(public_host).post("/api/v1/auth/signup/", body(), format="json")
    assert response.status_code == 404


def test_signup_page_logs_in_and_starts_the_questionnaire(client_for, grigny):
    client = client_for(grigny)
    assert "Crée ton compte" in client.get("/inscription/").content.decode()
    response = client.post(
        "/inscription/",
        {
            "email": "sam@exemple.fr",
            "password": PASSWORD,
            "birth_date": years_ago(19).strftime("%d/%m/%Y"),  # no date picker, no JavaScript
            "display_name": "Sam93",
            "accept_terms": "on",
            "newsletter": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/mon-profil/situation/"
    page = client.get("/mon-profil/situation/").content.decode()
    assert "Question 1 sur 5" in page and "Confirme ton adresse e-mail" in page  # banner
    with in_city(grigny):
        user = User.objects.get(email="sam@exemple.fr")
        assert user.display_name == "Sam93"
        assert set(Consent.objects.filter(user=user).values_list("kind", flat=True)) == {
            "terms",
            "newsletter",
        }


def test_signup_page_shows_errors_without_creating_anything(client_for, grigny):
    page = client_for(grigny).post(
        "/inscription/",
        {"email": "sam@exemple.fr", "password": "court", "birth_date": years_ago(19).isoformat()},
    )
    text = page.content.decode()
    assert page.status_code == 200 and "trop court" in text and "accepte les conditions" in text
    with in_city(grigny):
        assert not User.objects.filter(email="sam@exemple.fr").exists()


def _signed_up(client: Client) -> None:
    client.post(
        "/inscription/",
        {
            "email": "sam@exemple.fr",
            "password": PASSWORD,
            "birth_date": years_ago(19).isoformat(),
            "accept_terms": "on",
        },
    )


def test_verification_link_confirms_the_address_and_removes_the_banner(
    client_for, grigny, django_capture_on_commit_callbacks
):
    client = client_for(grigny)
    with django_capture_on_commit_callbacks(execute=True):
        _signed_up(client)
    link = re.search(r"http://grigny\.localhost:8000(/compte/verifier/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1))
    assert response.status_code == 302
    page = client.get("/mon-profil/").content.decode()
    assert "Confirme ton adresse e-mail" not in page
    with in_city(grigny):
        assert YouthProfile.objects.get(user__email="sam@exemple.fr").email_verified_at


def test_resend_sends_a_new_link_until_verified(
    client_for, grigny, django_capture_on_commit_callbacks
):
    client = client_for(grigny)
    _signed_up(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/verifier/renvoyer/", {"next": "/mon-profil/"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    with in_city(grigny):
        YouthProfile.objects.update(email_verified_at=today_local().isoformat() + "T00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/verifier/renvoyer/")
    assert len(mail.outbox) == 1


def test_forged_or_foreign_verification_links_fail(client_for, grigny, gennevilliers):
    client = client_for(grigny)
    _signed_up(client)
    with in_city(grigny):
        token = verification_token(user=User.objects.get(email="sam@exemple.fr"))
    assert client.get("/compte/verifier/nimportequoi/").status_code == 404
    assert client.get(f"/compte/verifier/{token[:-2]}xx/").status_code == 404
    # The same user id may exist in Gennevilliers: the link names its city and does nothing there.
    with in_city(gennevilliers):
        User.objects.create_user("sam@exemple.fr", PASSWORD, role=Role.YOUTH)
    other = client_for(gennevilliers).get(f"/compte/verifier/{token}/")
    assert other.status_code == 404 and "plus valable" in other.content.decode()


def test_password_reset_sends_a_french_link_that_sets_a_new_password(client_for, grigny, make_user):
    make_user(grigny, "lea@grigny.test")
    client = client_for(grigny)
    response = client.post("/mot-de-passe/oublie/", {"email": "lea@grigny.test"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Ton nouveau mot de passe Tremplin"
    assert "Tu as demandé" in message.body
    path = re.search(
        r"http://grigny\.localhost(?::8000)?(/mot-de-passe/nouveau/\S+/)", message.body
    )
    form_page = client.get(path.group(1), follow=True)
    assert "Choisis un nouveau mot de passe" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "court", "new_password2": "court"})
    assert "Ton mot de passe est trop court" in weak.content.decode()
    done = client.post(
        set_url, {"new_password1": "tout nouveau secret", "new_password2": "tout nouveau secret"}
    )
    assert done.status_code == 302
    assert (
        client.post(
            "/connexion/", {"username": "lea@grigny.test", "password": "tout nouveau secret"}
        ).status_code
        == 302
    )


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client_for, grigny, gennevilliers, make_user
):
    make_user(grigny, "lea@grigny.test")
    response = client_for(gennevilliers).post("/mot-de-passe/oublie/", {"email": "lea@grigny.test"})
    assert response.status_code == 302 and mail.outbox == []


def test_a_grigny_account_cannot_log_in_on_gennevilliers(
    api_for, client_for, grigny, gennevilliers
):
    assert api_for(grigny).post("/api/v1/auth/signup/", body(), format="json").status_code == 201
    ok = client_for(grigny).post(
        "/connexion/", {"username": "lea@exemple.fr", "password": PASSWORD}
    )
    assert ok.status_code == 302
    refused = client_for(gennevilliers).post(
        "/connexion/", {"username": "lea@exemple.fr", "password": PASSWORD}
    )
    assert refused.status_code == 200 and "incorrect" in refused.content.decode()
    token = api_for(gennevilliers).post(
        "/api/v1/auth/token/", {"email": "lea@exemple.fr", "password": PASSWORD}, format="json"
    )
    assert token.status_code == 400
    # The same address may open a separate account in another city.
    other = api_for(gennevilliers).post("/api/v1/auth/signup/", body(), format="json")
    assert other.status_code == 201
