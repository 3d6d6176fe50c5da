"""The city admin switches on features the operator allowed; others cannot."""

from __future__ import annotations

import pytest

from shared_apps.accounts.models import Role
from tenants.context import in_city
from tenants.features import feature_allow, feature_enabled
from tenants.lifecycle import city_suspend

URL = "/staff/fonctionnalites/"


@pytest.fixture
def admin_client(grigny, client_for, make_user):
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(admin)
    return client


def test_admin_enables_an_allowed_feature(grigny, gennevilliers, admin_client):
    feature_allow(city=grigny, key="mentors", allowed=True, by="ops")
    page = admin_client.get(URL).content.decode()
    assert "Mentors" in page and "Non incluse" in page  # the others are not allowed
    admin_client.post(URL, {"key": "mentors", "enabled": "1"})
    assert feature_enabled(grigny, "mentors") is True
    assert feature_enabled(gennevilliers, "mentors") is False
    admin_client.post(URL, {"key": "mentors", "enabled": "0"})
    assert feature_enabled(grigny, "mentors") is False


def test_unknown_key_is_a_french_message(admin_client):
    response = admin_client.post(URL, {"key": "nope", "enabled": "1"}, follow=True)
    assert "Fonctionnalité inconnue" in response.content.decode()


def test_only_city_admins_may_change_features(grigny, client_for, make_user):
    editor = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    client = client_for(grigny)
    assert client.get(URL).status_code == 302  # sign-in first
    with in_city(grigny):
        client.force_login(editor)
    assert client.post(URL, {"key": "mentors", "enabled": "1"}).status_code == 403


def test_suspended_city_admin_cannot_change_features(grigny, admin_client):
    feature_allow(city=grigny, key="mentors", allowed=True, by="ops")
    city_suspend(city=grigny, by="ops", reason="test")
    assert admin_client.get(URL).status_code == 200
    assert admin_client.post(URL, {"key": "mentors", "enabled": "1"}).status_code == 403
    assert feature_enabled(grigny, "mentors") is False
