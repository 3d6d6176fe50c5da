"""Export all my data, erase my account, see and withdraw my consents."""

from __future__ import annotations

import json

import pytest

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import token_create
from tenant_apps.youth import exports
from tenant_apps.youth.models import Consent, YouthProfile
from tenant_apps.youth.services import profile_update
from tenants.context import in_city

from .factories import PASSWORD, make_youth


@pytest.fixture
def lea(grigny):
    with in_city(grigny):
        user = make_youth("lea@exemple.fr", display_name="Léa")
        profile_update(user=user, data={"situation": "etudiant", "neighbourhood": "qn09125m"})
        return user, token_create(user=user)


@pytest.fixture
def other_in_grigny(grigny):
    with in_city(grigny):
        user = make_youth("autre@exemple.fr", display_name="Autre")
        profile_update(user=user, data={"situation": "salarie"})
    return user


def test_export_holds_my_data_and_nothing_of_others(api_for, grigny, lea, other_in_grigny):
    _user, token = lea
    response = api_for(grigny, token).get("/api/v1/me/export/")
    assert response.status_code == 200
    data = response.json()
    assert {"account", "profile", "consents"} <= set(data)
    assert data["account"]["email"] == "lea@exemple.fr"
    assert data["profile"]["situation"] == "etudiant" and data["profile"]["is_qpv"] is True
    assert [c["kind"] for c in data["consents"]] == ["terms"]
    text = json.dumps(data)
    assert "autre@exemple.fr" not in text and "Autre" not in text and "salarie" not in text
    assert token not in text  # tokens are listed by prefix only


def test_other_apps_add_their_sections_and_erasure_hooks(api_for, grigny, lea, monkeypatch):
    _user, token = lea
    monkeypatch.setattr(exports, "_exports", dict(exports._exports))
    monkeypatch.setattr(exports, "_erasures", dict(exports._erasures))
    forgotten = []
    exports.register_export("saves", lambda u: [{"offer": "x", "by": u.email}])
    exports.register_erasure("saves", lambda u: forgotten.append(u.email))
    assert api_for(grigny, token).get("/api/v1/me/export/").json()["saves"] == [
        {"offer": "x", "by": "lea@exemple.fr"}
    ]
    assert api_for(grigny, token).delete("/api/v1/me/").status_code == 204
    assert forgotten == ["lea@exemple.fr"]


def test_delete_erases_the_account_at_once(api_for, grigny, lea, other_in_grigny):
    user, token = lea
    assert api_for(grigny, token).delete("/api/v1/me/").status_code == 204
    with in_city(grigny):
        assert not User.objects.filter(pk=user.pk).exists()
        assert not YouthProfile.objects.filter(user_id=user.pk).exists()
        assert not Consent.objects.filter(user_id=user.pk).exists()
        assert User.objects.filter(email="autre@exemple.fr").exists()
    assert api_for(grigny, token).get("/api/v1/me/export/").status_code == 401


def test_staff_accounts_are_not_deleted_through_the_youth_endpoint(api_for, grigny, make_user):
    staff = make_user(grigny, "agent@grigny.test", Role.ADMIN)
    with in_city(grigny):
        token = token_create(user=staff)
    response = api_for(grigny, token).delete("/api/v1/me/")
    assert response.status_code == 403
    with in_city(grigny):
        assert User.objects.filter(pk=staff.pk).exists()


def test_consents_can_be_seen_given_and_withdrawn(api_for, grigny, lea):
    _user, token = lea
    api = api_for(grigny, token)
    assert [c["kind"] for c in api.get("/api/v1/me/consents/").json()] == ["terms"]
    assert (
        api.post("/api/v1/me/consents/", {"kind": "newsletter"}, format="json").status_code == 201
    )
    withdrawn = api.delete("/api/v1/me/consents/newsletter/")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert api.delete("/api/v1/me/consents/newsletter/").status_code == 404
    terms = api.delete("/api/v1/me/consents/terms/")
    assert terms.status_code == 400 and terms.json()["error"]["code"] == "terms_required"
    assert api.post("/api/v1/me/consents/", {"kind": "tout"}, format="json").status_code == 400
    kinds = [(c["kind"], c["withdrawn_at"] is None) for c in api.get("/api/v1/me/consents/").json()]
    assert kinds == [("terms", True), ("newsletter", False)]


def test_a_young_persons_data_is_invisible_from_another_city(
    api_for, grigny, gennevilliers, lea, make_user
):
    user, token = lea
    for path in ("/api/v1/me/export/", "/api/v1/me/profile/"):
        assert api_for(gennevilliers, token).get(path).status_code == 401
    staff = make_user(gennevilliers, "agent@gennevilliers.test", Role.ADMIN)
    with in_city(gennevilliers):
        staff_token = token_create(user=staff)
        assert not User.objects.filter(email="lea@exemple.fr").exists()
        assert not YouthProfile.objects.exists()
    export = api_for(gennevilliers, staff_token).get("/api/v1/me/export/").json()
    assert "lea@exemple.fr" not in json.dumps(export)
    assert api_for(gennevilliers, token).delete("/api/v1/me/").status_code == 401
    with in_city(grigny):
        assert User.objects.filter(pk=user.pk).exists()


# Pages


@pytest.fixture
def lea_client(grigny, client_for, lea):
    client = client_for(grigny)
    signed_in = client.post("/connexion/", {"username": "lea@exemple.fr", "password": PASSWORD})
    assert signed_in.status_code == 302
    return client


def test_data_page_downloads_the_export(lea_client):
    page = lea_client.get("/mes-donnees/").content.decode()
    assert "Télécharger mes données" in page and "Conditions d" in page
    response = lea_client.get("/mes-donnees/export.json")
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["account"]["email"] == "lea@exemple.fr"


def test_data_page_gives_and_withdraws_the_newsletter(lea_client, grigny):
    lea_client.post("/mes-donnees/consentements/newsletter/", {"action": "give"})
    with in_city(grigny):
        assert Consent.objects.filter(kind="newsletter", withdrawn_at=None).count() == 1
    lea_client.post("/mes-donnees/consentements/newsletter/", {"action": "withdraw"})
    with in_city(grigny):
        assert Consent.objects.filter(kind="newsletter", withdrawn_at=None).count() == 0
    page = lea_client.post("/mes-donnees/consentements/terms/", {}, follow=True)
    assert "supprime ton compte" in page.content.decode()


def test_delete_page_asks_for_confirmation_then_erases(lea_client, grigny, lea):
    user, _token = lea
    unconfirmed = lea_client.post("/mes-donnees/supprimer/", {})
    assert unconfirmed.status_code == 200 and "Coche la case" in unconfirmed.content.decode()
    with in_city(grigny):
        assert User.objects.filter(pk=user.pk).exists()
    response = lea_client.post("/mes-donnees/supprimer/", {"confirm": "oui"}, follow=True)
    assert "sont supprimés" in response.content.decode()
    assert "Se connecter" in response.content.decode()  # signed out
    with in_city(grigny):
        assert not User.objects.filter(pk=user.pk).exists()
