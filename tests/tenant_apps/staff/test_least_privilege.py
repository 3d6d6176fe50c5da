"""What each staff role can read of a young person (issue 10, least privilege). The table below
is the README's « Who reads what of a young person »: keep them the same.

Lina (pseudonym « Lina », e-mail lina@grigny.test) registered to the boxing club's event and
booked an advisor with a message. Each role opens every staff page that could show her."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import user_create
from tenant_apps.catalogue.models import OfferStatus, PartnerMembership
from tenant_apps.matching import services as matching
from tenant_apps.portal.services import registration_create
from tenants.context import in_city
from tests.conftest import PASSWORD
from tests.tenant_apps.catalogue.factories import make_offer, make_structure

PSEUDONYM, EMAIL, MESSAGE = "Lina", "lina@grigny.test", "Je cherche un CDD, j'ai peur de rater."

# role → what it reads of Lina, and where.
READABLE = {
    Role.ADMIN: {"registration: pseudonym", "registration: e-mail", "booking: pseudonym",
                 "booking: message", "diagnostic: aggregates"},
    Role.EDITOR: {"registration: pseudonym", "registration: e-mail", "booking: pseudonym",
                  "diagnostic: aggregates"},
    Role.VIEWER: {"registration: counts", "booking: counts", "diagnostic: aggregates"},
    Role.PARTNER: {"registration: pseudonym"},  # its own structure's event only
    Role.ADVISOR: set(),  # in the back-office; their own bookings are in « Mon agenda »
}  # fmt: skip


@pytest.fixture
def lina(grigny):
    """The event (the boxing club's), the advisor's slot, and Lina in both."""
    with in_city(grigny):
        boxing = make_structure(name="Club de boxe")
        event = make_offer(
            kind="evenement", title="Gala de boxe", structure=boxing, capacity=10,
            status=OfferStatus.PUBLISHED, starts_at=timezone.now() + timedelta(days=5),
        )  # fmt: skip
        young = user_create(email=EMAIL, role=Role.YOUTH, password=PASSWORD, display_name=PSEUDONYM)
        registration_create(user=young, offer_id=event.pk)
        advisor = matching.advisor_create(
            kind="advisor", display_name="Awa", organisation="Mission locale",
            bio="Je t'aide.", formats=["cafe"],
        )  # fmt: skip
        start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        slot = matching.slot_create(
            advisor=advisor, starts_at=start, ends_at=start + timedelta(hours=1), format="cafe"
        )
        matching.booking_create(slot_id=slot.pk, user=young, message=MESSAGE)
    return {"structure": boxing, "event": event, "advisor": advisor}


def _read(client, lina) -> set[str]:
    """What this signed-in client can read of Lina, page by page."""
    seen = set()
    event = client.get(f"/staff/inscriptions/{lina['event'].pk}/")
    if event.status_code == 200:
        html = event.content.decode()
        if PSEUDONYM in html:
            seen.add("registration: pseudonym")
        if EMAIL in html:
            seen.add("registration: e-mail")
        if PSEUDONYM not in html and "1 inscrit" in html:
            seen.add("registration: counts")
    advisor = client.get(f"/staff/accompagnement/{lina['advisor'].pk}/")
    if advisor.status_code == 200:
        html = advisor.content.decode().replace("&#x27;", "'")
        if PSEUDONYM in html:
            seen.add("booking: pseudonym")
        if MESSAGE in html:
            seen.add("booking: message")
        if EMAIL in html:
            seen.add("booking: e-mail")
        if PSEUDONYM not in html and "Réservé" in html:
            seen.add("booking: counts")
    diagnostic = client.get("/staff/diagnostic/")
    if diagnostic.status_code == 200:
        html = diagnostic.content.decode()
        assert PSEUDONYM not in html and EMAIL not in html
        seen.add("diagnostic: aggregates")
    for path in ("/staff/inscriptions/", "/staff/accompagnement/", "/staff/journal/",
                 "/staff/offres/", "/staff/equipe/", "/staff/messages/"):  # fmt: skip
        page = client.get(path)
        if page.status_code == 200:
            html = page.content.decode()
            assert EMAIL not in html and MESSAGE not in html, path
    return seen


@pytest.mark.parametrize("role", list(READABLE))
def test_each_role_reads_what_the_table_says_of_a_young_person(
    role, lina, grigny, make_user, client_for
):
    user = make_user(grigny, f"{role}@grigny.test", role)
    if role == Role.PARTNER:
        with in_city(grigny):
            PartnerMembership.objects.create(user=user, structure=lina["structure"])
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(user)
    assert _read(client, lina) == READABLE[role]


def test_a_partner_of_another_structure_reads_nothing_of_her(lina, grigny, make_user, client_for):
    user = make_user(grigny, "autre@grigny.test", Role.PARTNER)
    with in_city(grigny):
        PartnerMembership.objects.create(user=user, structure=make_structure(name="Autre club"))
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(user)
    assert client.get(f"/staff/inscriptions/{lina['event'].pk}/").status_code == 404
    assert "Gala de boxe" not in client.get("/staff/inscriptions/").content.decode()
    assert _read(client, lina) == set()


def test_another_city_reads_nothing_of_her(lina, gennevilliers, make_user, client_for):
    admin = make_user(gennevilliers, "admin@gennevilliers.test", Role.ADMIN)
    client = client_for(gennevilliers)
    with in_city(gennevilliers):
        client.force_login(admin)
    assert client.get(f"/staff/inscriptions/{lina['event'].pk}/").status_code == 404
    assert client.get(f"/staff/accompagnement/{lina['advisor'].pk}/").status_code == 404
    assert _read(client, lina) == {"diagnostic: aggregates"}
