"""Two staff members publishing (or archiving) the same offer at once, each on their own
database connection: the row is locked, one wins and writes one audit row, the other is told
the offer already moved (409 from the service, a clear message on the page); never a 500."""

from __future__ import annotations

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test import Client
from kernel.errors import Conflict

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import user_create, user_delete
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.catalogue.models import Offer, OfferStatus
from tenant_apps.catalogue.services import offer_transition
from tenants.context import in_city
from tenants.models import City

from ...concurrency import wait_until_a_query_waits_for_a_lock
from ...conftest import host_of
from .factories import make_offer

PASSWORD = "un mot de passe solide"


@pytest.fixture
def race(committed):
    """Grigny, an offer and two editors, committed; removed afterwards."""
    city = City.objects.get(slug="grigny")
    with in_city(city):
        offer = make_offer(title="Chantier jeunes", status=OfferStatus.DRAFT)
        alice = user_create(email="alice@grigny.test", role=Role.EDITOR, password=PASSWORD)
        bob = user_create(email="bob@grigny.test", role=Role.EDITOR, password=PASSWORD)
    yield city, offer, alice, bob
    with in_city(city):
        StaffAuditEntry.objects.filter(object_id=str(offer.pk)).delete()
        Offer.objects.filter(pk=offer.pk).delete()
        for user in (alice, bob):
            user_delete(user=user)
    connection.set_schema_to_public()


def _first_holds_the_lock(city, offer_id, by, action, inside, release, outcome) -> None:
    try:
        with in_city(city), transaction.atomic():
            offer_transition(offer=Offer.objects.get(pk=offer_id), by=by, action=action)
            inside.set()
            release.wait(20)
        outcome["first"] = "done"
    except BaseException as exc:  # reported by the test
        outcome["first"] = exc
        inside.set()
    finally:
        connection.close()


def _race(city, offer, first_by, action, second) -> dict:
    """`first_by` runs `action` and holds the row inside its transaction while `second()`
    (another thread, another connection) tries the same; then the first commits."""
    inside, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def run_second() -> None:
        try:
            outcome["second"] = second()
        except BaseException as exc:  # reported by the test
            outcome["second"] = exc
        finally:
            connection.close()

    first = threading.Thread(
        target=_first_holds_the_lock,
        args=(city, offer.pk, first_by, action, inside, release, outcome),
    )
    other = threading.Thread(target=run_second)
    try:
        first.start()
        assert inside.wait(20)
        other.start()
        wait_until_a_query_waits_for_a_lock()  # the second waits for the row, not for luck
    finally:
        release.set()
        first.join(30)
        other.join(30)
    assert outcome["first"] == "done", repr(outcome["first"])
    return outcome


@pytest.mark.parametrize("action", ["publish", "archive"])
def test_one_of_two_simultaneous_transitions_wins(action, race):
    city, offer, alice, bob = race
    with in_city(city):
        stale = Offer.objects.get(pk=offer.pk)  # what Bob's page showed him: a draft

    def bob_too():
        with in_city(city):
            return offer_transition(offer=stale, by=bob, action=action)

    outcome = _race(city, offer, alice, action, bob_too)
    conflict = outcome["second"]
    assert isinstance(conflict, Conflict), repr(conflict)
    assert conflict.status_code == 409
    with in_city(city):
        entries = StaffAuditEntry.objects.filter(object_id=str(offer.pk), action=f"offer.{action}")
        assert [e.actor_email for e in entries] == ["alice@grigny.test"]
        expected = OfferStatus.PUBLISHED if action == "publish" else OfferStatus.ARCHIVED
        assert Offer.objects.get(pk=offer.pk).status == expected
    assert stale.status == expected  # Bob's copy now says what happened


def test_the_losing_page_says_the_offer_is_already_published(race):
    city, offer, alice, bob = race
    page = Client(HTTP_HOST=host_of(city))
    with in_city(city):
        page.force_login(bob)

    def bob_clicks_publish():
        return page.post(f"/staff/offres/{offer.pk}/statut/", {"action": "publish"})

    outcome = _race(city, offer, alice, "publish", bob_clicks_publish)
    response = outcome["second"]
    assert not isinstance(response, BaseException), repr(response)
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["Impossible de publier une offre au statut « Publiée »."]
    with in_city(city):
        assert (
            StaffAuditEntry.objects.filter(object_id=str(offer.pk), action="offer.publish").count()
            == 1
        )
        page.logout()
