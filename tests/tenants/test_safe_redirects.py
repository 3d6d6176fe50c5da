"""Issue 11, open redirects: every `next` / `back` a page follows goes through
tenants.pages.safe_next. Each one is posted the ways an attacker would send someone away."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.services import offer_create
from tenant_apps.matching import services as matching
from tenants.context import in_city
from tests.conftest import PASSWORD, host_of
from tests.tenant_apps.catalogue.factories import make_national, make_offer

EXTERNAL = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(document.cookie)",
    "https:evil.example",
    " //evil.example",
    "http://grigny.localhost@evil.example/",
]


def _stays_here(response, host: str, what: str = "") -> None:
    assert response.status_code in (301, 302, 303), (what, response.status_code)
    location = response["Location"]
    parts = urlsplit(location)
    assert parts.scheme in ("", "http", "https") and not location.startswith(("//", "/\\"))
    assert parts.netloc in ("", host), location
    assert "evil" not in location, (what, location)


@pytest.fixture
def youth_client(client_for, make_user, grigny):
    lina = make_user(grigny, "lina@grigny.test")
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(lina)
    return client


@pytest.fixture
def editor_client(client_for, make_user, grigny):
    make_user(grigny, "editor@grigny.test", Role.ADMIN)
    client = client_for(grigny)
    signed_in = client.post("/connexion/", {"username": "editor@grigny.test", "password": PASSWORD})
    assert signed_in.status_code == 302
    return client


def _youth_posts(grigny):
    """(path, data) of each youth form that sends its reader back somewhere."""
    from tenants.features import feature_allow, feature_enable

    feature_allow(city=grigny, key="mentors", allowed=True, by="test")
    feature_enable(city=grigny, key="mentors", enabled=True, by="test")
    with in_city(grigny):
        offer = make_offer(kind="aide", title="Aide au permis")
        event = make_offer(kind="evenement", title="Atelier CV", capacity=10)
        advisor = matching.advisor_create(
            kind="mentor",
            display_name="Samia",
            organisation="Atelier Vélo",
            bio="Mécanicienne.",
            formats=["cafe"],
        )
        start = timezone.now() + timedelta(days=2)
        slot = matching.slot_create(
            advisor=advisor, starts_at=start, ends_at=start + timedelta(hours=1), format="cafe"
        )
    aid = make_national(title="Aide nationale")
    return [
        (f"/offres/{offer.pk}/favori/", {}, "next"),
        (f"/offres/{event.pk}/inscription/", {}, "next"),
        (f"/mes-droits/{aid.pk}/demande/", {}, "next"),
        ("/compte/verifier/renvoyer/", {}, "next"),
        ("/mon-compte/notifications/", {"digest": "never", "email": "0"}, "next"),
        (f"/accompagnement/creneaux/{slot.id}/reserver/", {}, "back"),
    ]


@pytest.mark.parametrize("target", EXTERNAL)
def test_youth_forms_never_send_away(youth_client, grigny, target):
    for path, data, field in _youth_posts(grigny):
        _stays_here(youth_client.post(path, {**data, field: target}), host_of(grigny), path)


@pytest.mark.parametrize("target", EXTERNAL)
def test_staff_forms_never_send_away(editor_client, grigny, make_user, target):
    editor = make_user(grigny, "redacteur@grigny.test", Role.EDITOR)
    with in_city(grigny):
        offer = offer_create(by=editor, fields={"kind": "aide", "title": "Aide", "summary": "."})
    national = make_national(title="Aide nationale")
    for path, data in [
        (f"/staff/offres/{offer.pk}/statut/", {"action": "publish"}),
        (f"/staff/catalogue-national/{national.pk}/", {"hidden": "on"}),
    ]:
        _stays_here(editor_client.post(path, {**data, "next": target}), host_of(grigny), path)


def test_a_next_of_this_host_is_still_followed(youth_client, grigny):
    with in_city(grigny):
        offer = make_offer(kind="aide", title="Aide")
    response = youth_client.post(f"/offres/{offer.pk}/favori/", {"next": f"/offres/{offer.pk}/"})
    assert response["Location"] == f"/offres/{offer.pk}/"


@pytest.mark.parametrize("target", EXTERNAL)
@pytest.mark.parametrize("host", ["city", "platform"])
def test_sign_in_and_sign_out_never_send_away(client_for, make_user, grigny, public_host,
                                              operator, host, target):  # fmt: skip
    if host == "city":
        make_user(grigny, "lina@grigny.test")
        client, email, where = client_for(grigny), "lina@grigny.test", host_of(grigny)
    else:
        client, email, where = client_for(public_host), operator.email, public_host
    page = client.get("/connexion/", {"next": target}).content.decode()
    assert 'name="next" value=""' in page  # the sign-in form does not carry it on
    response = client.post("/connexion/", {"username": email, "password": PASSWORD, "next": target})
    _stays_here(response, where)
    _stays_here(client.post("/deconnexion/", {"next": target}), where)
