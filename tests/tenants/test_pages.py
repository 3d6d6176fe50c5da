"""Tenancy by construction: every page of the city URL map wears a guard (tenants/pages.py),
the guard keeps cities apart, and no page follows a `next` that leaves its host."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import Http404, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import get_resolver

from shared_apps.accounts.models import Role
from tenants.access import AnyHostAPIView
from tenants.checks import (
    UNGUARDED_ALLOWED,
    check_cache_keys,
    check_city_pages,
    dotted_name,
    unguarded_views,
    url_patterns_of,
)
from tenants.context import in_city
from tenants.pages import (
    city_object_or_404,
    city_page,
    page_access,
    safe_next,
    staff_page,
)
from tests.conftest import PASSWORD, host_of
from tests.tenant_apps.catalogue.factories import make_national, make_offer
from tests.tenant_apps.youth.factories import make_youth

EVIL = "https://evil.example/"


@pytest.fixture
def signed_in(client_for, make_user):
    def make(city, role, email=None):
        user = make_user(city, email or f"{role}@{city.slug}.test", role)
        client = client_for(city)
        with in_city(city):  # the session lives in the city's schema
            client.force_login(user)
        return client

    return make


# The system check.


def test_manage_py_check_passes_on_the_real_url_maps():
    call_command("check")  # raises SystemCheckError on any error, tenants.E001 included
    assert check_city_pages() == []
    assert check_cache_keys() == []


def test_the_check_names_every_unguarded_view():
    errors = unguarded_views("tests.tenants.unguarded_urls")
    assert all(isinstance(e, Error) for e in errors)
    assert [e.id for e in errors] == ["tenants.E001"] * 3
    messages = " ".join(e.msg for e in errors)
    assert "'/oubli/'" in messages and "'/enrobee/'" in messages and "'/partielle/'" in messages
    assert "'/gardee/'" not in messages


@override_settings(ROOT_URLCONF="tests.tenants.unguarded_urls")
def test_manage_py_check_fails_on_a_forgotten_page():
    with pytest.raises(SystemCheckError, match=r"unguarded_urls.forgotten_page: \(tenants\.E001\)"):
        call_command("check")


def test_the_cache_check_wants_schema_keys_and_a_platform_alias():
    default = {**settings.CACHES["default"]}
    default.pop("KEY_FUNCTION")
    with override_settings(CACHES={"default": default}):
        assert [e.id for e in check_cache_keys()] == ["tenants.E002", "tenants.E003"]


HAND_WRITTEN = re.compile(
    r"\b(get_object_or_404|city_or_404|login_required|redirect_to_login)\b"
    r"|POST\.get\(\"(next|back)\""
)


def test_no_view_guards_or_looks_up_the_city_by_hand():
    """Pages leave the city, sign-in and the lookups to tenants/pages.py."""
    root = Path(__file__).resolve().parents[2]
    views = [*root.glob("tenant_apps/*/*views*.py"), *root.glob("shared_apps/accounts/views.py")]
    assert len(views) > 8
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in views
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HAND_WRITTEN.search(line)
    ]
    assert found == []


def test_a_view_cannot_wear_two_guards():
    with pytest.raises(ImproperlyConfigured):
        staff_page()(city_page(lambda request: HttpResponse()))


# The guard itself.


def _routes():
    """(path, callback) of every route of the city URL map, with sample values for its parts."""
    samples = {"uuid": str(uuid.uuid4()), "int": "1", "str": "x", "slug": "x", "path": "x"}
    for route, pattern in url_patterns_of(get_resolver(settings.ROOT_URLCONF)):
        path = re.sub(r"<(\w+):\w+>", lambda m: samples[m.group(1)], route)
        yield "/" + path, pattern.callback


def _serves_every_host(callback) -> bool:
    """Sign-in, health, the API's token and schema: on both kinds of host by design."""
    access = page_access(callback)
    if access is not None:
        return not access.city_host
    api = getattr(callback, "cls", None)
    if isinstance(api, type) and issubclass(api, AnyHostAPIView):
        return True
    return dotted_name(getattr(callback, "view_class", None) or callback) in UNGUARDED_ALLOWED


@override_settings(PUBLIC_SCHEMA_URLCONF=settings.ROOT_URLCONF)
def test_the_platform_host_404s_every_city_page(client_for, public_host, operator):
    """With the city URL map served on the platform's host, every city page still refuses."""
    client = client_for(public_host)
    client.force_login(operator)
    city_only = [path for path, callback in _routes() if not _serves_every_host(callback)]
    assert len(city_only) > 80  # pages and API views alike
    for path in city_only:
        # POST: the guard runs before any method check (require_POST wraps it on some pages).
        assert client.post(path).status_code == 404, path


def test_the_guard_puts_the_city_on_the_request_and_404s_without_one(grigny):
    @city_page
    def view(request):
        return HttpResponse(request.city.slug)

    request = RequestFactory().get("/")
    request.tenant = grigny
    assert view(request).content == b"grigny"
    request.tenant = None
    with pytest.raises(Http404):
        view(request)


def test_youth_pages_refuse_staff_and_staff_pages_refuse_youth(signed_in, grigny):
    staff = signed_in(grigny, Role.EDITOR)
    response = staff.get("/mon-profil/")
    assert response.status_code == 403 and "Espace réservé aux jeunes" in response.content.decode()
    youth = signed_in(grigny, Role.YOUTH)
    response = youth.get("/staff/journal/")
    assert response.status_code == 403 and "Accès réservé" in response.content.decode()


def test_a_city_object_lookup_refuses_another_schema(grigny, gennevilliers):
    from tenant_apps.catalogue.models import Offer

    request = RequestFactory().get("/")
    request.city = grigny
    with in_city(gennevilliers), pytest.raises(ImproperlyConfigured):
        city_object_or_404(request, Offer, pk=uuid.uuid4())
    with in_city(grigny), pytest.raises(Http404):
        city_object_or_404(request, Offer, pk=uuid.uuid4())
    with pytest.raises(ImproperlyConfigured):
        city_object_or_404(RequestFactory().get("/"), Offer, pk=uuid.uuid4())


# Isolation between cities.


def test_one_citys_staff_cannot_reach_another_citys_staff_pages(signed_in, grigny, gennevilliers):
    grigny_admin = signed_in(grigny, Role.ADMIN)
    assert grigny_admin.get("/staff/offres/").status_code == 200
    elsewhere = host_of(gennevilliers)
    for path in ("/staff/offres/", "/staff/branding/", "/staff/fonctionnalites/", "/staff/"):
        response = grigny_admin.get(path, HTTP_HOST=elsewhere)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_one_citys_rows_are_not_found_from_another(signed_in, grigny, gennevilliers):
    with in_city(gennevilliers):
        theirs = make_offer(title="Offre de Gennevilliers")
    grigny_editor = signed_in(grigny, Role.EDITOR)
    assert grigny_editor.get(f"/staff/offres/{theirs.pk}/").status_code == 404
    assert grigny_editor.get(f"/staff/offres/{theirs.pk}/apercu/").status_code == 404
    response = grigny_editor.post(f"/staff/offres/{theirs.pk}/statut/", {"action": "archive"})
    assert response.status_code == 404
    their_editor = signed_in(gennevilliers, Role.EDITOR)
    assert their_editor.get(f"/staff/offres/{theirs.pk}/").status_code == 200


# `next` and `back`: only this host's own URLs are followed.


@pytest.mark.parametrize(
    "target", [EVIL, "//evil.example/", "https:evil.example", "http://grigny.localhost.evil/"]
)
def test_safe_next_refuses_other_hosts(target):
    request = RequestFactory(HTTP_HOST="grigny.localhost:8000").get("/")
    assert safe_next(request, target) is None
    assert safe_next(request, "/mes-favoris/") == "/mes-favoris/"
    assert (
        safe_next(request, "http://grigny.localhost:8000/x/") == "http://grigny.localhost:8000/x/"
    )


@pytest.fixture
def next_pages(grigny, signed_in, client_for):
    """(client, path, form data, field, where it goes instead) for every page that takes a
    `next` or a `back`; sign-out comes last."""
    with in_city(grigny):
        offer = make_offer(title="Offre à archiver")
        event = make_offer(kind="evenement", title="Concert", capacity=10)
        make_youth("lina@grigny.test")
    national = make_national(title="Aide nationale au permis")
    editor = signed_in(grigny, Role.EDITOR)
    youth = signed_in(grigny, Role.YOUTH)
    sign_in = {"username": "lina@grigny.test", "password": PASSWORD}
    return [
        (editor, f"/staff/offres/{offer.pk}/statut/", {"action": "archive"}, "next",
         "/staff/offres/"),
        (editor, f"/staff/catalogue-national/{national.pk}/", {"pinned": "on"}, "next",
         "/staff/catalogue-national/"),
        (youth, f"/offres/{event.pk}/favori/", {}, "next", "/mes-favoris/"),
        (youth, f"/offres/{event.pk}/inscription/", {}, "next", "/mes-inscriptions/"),
        (youth, "/compte/verifier/renvoyer/", {}, "next", "/mon-profil/"),
        (youth, "/accompagnement/creneaux/999999/reserver/", {}, "back", "/accompagnement/"),
        (client_for(grigny), "/connexion/", sign_in, "next", "/"),
        (youth, "/deconnexion/", {}, "next", "/"),
    ]  # fmt: skip


@pytest.mark.parametrize("target", [EVIL, "//evil.example/"])
def test_no_page_follows_a_next_to_another_host(next_pages, target):
    for client, path, data, field, fallback in next_pages:
        response = client.post(path, {**data, field: target})
        assert response.status_code in (302, 303), path
        assert response["Location"] == fallback, path


def test_pages_follow_a_next_on_their_own_host(next_pages):
    for client, path, data, field, _fallback in next_pages:
        response = client.post(path, {**data, field: "/agenda/"})
        assert response["Location"] == "/agenda/", path
