"""The first admin's one-time invitation link."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from shared_apps.accounts.models import Invitation, User
from tenants.context import in_city
from tenants.services import city_onboard


def _invite():
    result = city_onboard(name="Sevran", slug="sevran", insee="93071", admin_email="a@sevran.test")
    path = result.invitation_link.split(":8000", 1)[1]
    return result.city, path


def test_invitation_sets_password_logs_in_and_is_single_use(db):
    city, path = _invite()
    client = Client(HTTP_HOST="sevran.localhost")
    assert "a@sevran.test" in client.get(path).content.decode()
    weak = client.post(path, {"password": "123"})
    assert weak.status_code == 200 and "errorlist" in weak.content.decode()
    done = client.post(path, {"password": "une phrase de passe solide"}, follow=True)
    assert done.status_code == 200 and "Bienvenue" in done.content.decode()
    assert "Se déconnecter" in client.get("/").content.decode()  # signed in
    assert Client(HTTP_HOST="sevran.localhost").get(path).status_code == 404  # used
    with in_city(city):
        assert User.objects.get().check_password("une phrase de passe solide")


def test_invitation_expires_after_seven_days(db):
    city, path = _invite()
    with in_city(city):
        invitation = Invitation.objects.get()
        assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client(HTTP_HOST="sevran.localhost").get(path).status_code == 404


def test_invitation_link_is_worthless_on_another_city(db, grigny):
    _city, path = _invite()
    assert Client(HTTP_HOST="grigny.localhost").get(path).status_code == 404


def test_invited_staff_land_on_their_back_office_not_the_youth_home(db):
    _city, path = _invite()
    client = Client(HTTP_HOST="sevran.localhost")
    accepted = client.post(path, {"password": "une phrase de passe solide"})
    assert accepted.status_code == 302 and accepted["Location"] == "/staff/"
    client.post("/deconnexion/")
    signed_in = Client(HTTP_HOST="sevran.localhost").post(
        "/connexion/", {"username": "a@sevran.test", "password": "une phrase de passe solide"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/staff/"
