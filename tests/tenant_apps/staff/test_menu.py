"""The staff menu lists every back-office page the role may open, and only those; the journal
speaks French."""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver, reverse

from shared_apps.accounts.models import Role
from tenant_apps.audit.services import audit_record
from tenant_apps.catalogue.services import offer_create, offer_publish
from tenant_apps.staff.templatetags.staff_menu import STAFF_MENU
from tenants.context import in_city
from tenants.pages import page_access

STAFF_ROLES = [Role.ADMIN, Role.EDITOR, Role.VIEWER, Role.PARTNER]
# Staff pages without arguments that are not menu entries, and why.
NOT_IN_MENU = {
    "staff:home": "redirects to the offers",
    "staff:csv-template": "a download, linked from the import page",
    "analytics:export": "a download, linked from the diagnostic",
    "analytics:synthese": "a download (PDF), linked from the diagnostic",
    "staff:billing-portal": "a POST from the billing page",
    "staff:offer-bulk": "a POST from the offer list",
    "staff:offer-create": "a button of the offer list",
    "staff:structure-create": "a button of the structure list",
    "staff:advisor-create": "a button of the advisor list",
    "portal:staff-inspiration-create": "a button of the inspiration list",
    "voice:staff-poll-create": "a button of the poll list",
    "matching:agenda-slot-add": "a POST from the advisor's agenda",
    "matching:agenda-presentation": "a button of the advisor's agenda",
}


@pytest.fixture
def signed_in(client_for, make_user):
    def make(city, role):
        user = make_user(city, f"{role}@{city.slug}.test", role)
        client = client_for(city)
        with in_city(city):
            client.force_login(user)
        return client

    return make


def _staff_pages_without_arguments() -> set[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif not pattern.pattern.regex.groups and pattern.name:
                access = page_access(pattern.callback)
                if access is not None and access.kind == "staff":
                    yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver("tremplin.urls_tenant").url_patterns))


def test_every_staff_page_has_a_menu_entry_or_a_reason():
    assert _staff_pages_without_arguments() - set(NOT_IN_MENU) == {name for name, _ in STAFF_MENU}


def _menu(page: str) -> dict[str, str]:
    nav = re.search(r'<nav aria-label="Espace agents" class="staff-nav">(.*?)</nav>', page, re.S)
    return dict(re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1)))


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_menu_lists_exactly_the_pages_the_role_may_open(role, signed_in, grigny):
    client = signed_in(grigny, role)
    menu = _menu(client.get("/staff/journal/").content.decode())
    with in_city(grigny):
        urls = {reverse(name): label for name, label in STAFF_MENU}
    opens = {url for url in urls if client.get(url).status_code == 200}
    assert set(menu) == opens
    assert all(menu[url] == urls[url] for url in menu)
    if role == Role.ADMIN:
        assert menu["/staff/fonctionnalites/"] == "Fonctionnalités"
        assert len(menu) == len(STAFF_MENU)
    if role == Role.PARTNER:
        assert "/staff/diagnostic/" not in menu and "/staff/accompagnement/" not in menu


def test_the_menu_is_on_the_feature_page_and_marks_it(signed_in, grigny):
    page = signed_in(grigny, Role.ADMIN).get("/staff/fonctionnalites/").content.decode()
    assert '<a href="/staff/fonctionnalites/" aria-current="page">Fonctionnalités</a>' in page
    assert "/staff/offres/" in page


def test_the_journal_reads_as_french_sentences(signed_in, make_user, grigny):
    editor = make_user(grigny, "editrice@grigny.test", Role.EDITOR)
    with in_city(grigny):
        offer = offer_create(by=editor, fields={"kind": "bon_plan", "title": "Tournoi de futsal"})
        offer_publish(offer=offer, by=editor)
        audit_record(actor=editor, action="feature.enabled", object_type="feature",
                     object_id="mentors", label="Mentorat")  # fmt: skip
    page = signed_in(grigny, Role.ADMIN).get("/staff/journal/").content.decode()
    assert "a publié l&#x27;offre « Tournoi de futsal »" in page
    assert "a créé l&#x27;offre « Tournoi de futsal »" in page
    assert "a activé la fonctionnalité « Mentorat »" in page
    assert "offer.publish" not in page and "feature.enabled" not in page
    assert "statut" in page  # the changed field by its French name
