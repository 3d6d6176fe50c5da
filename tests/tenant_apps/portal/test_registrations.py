"""Event registration: places, waitlist, promotion on cancellation, reminders, no overbooking."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from kernel.errors import NotFound, PermissionDenied, ValidationFailed

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import user_create
from tenant_apps.matching.models import InboxMessage
from tenant_apps.portal import services
from tenant_apps.portal.models import Registration
from tenant_apps.portal.notifications import send_event_reminders
from tenant_apps.portal.selectors import waitlist_rank
from tenant_apps.portal.tasks import send_event_reminders_everywhere
from tenant_apps.youth.services import account_delete
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer
from tests.tenant_apps.youth.factories import make_youth


def test_places_then_waitlist_in_order_of_arrival(grigny, event, youths):
    with in_city(grigny):
        regs = [services.registration_create(user=u, offer_id=event.pk) for u, _ in youths]
        assert [r.status for r in regs] == ["registered", "registered", "waitlisted", "waitlisted"]
        assert [waitlist_rank(r) for r in regs[2:]] == [1, 2]
        # Registering twice changes nothing.
        again = services.registration_create(user=youths[0][0], offer_id=event.pk)
        assert again.pk == regs[0].pk and again.status == "registered"


def test_cancelling_promotes_the_next_person_and_tells_them(
    grigny, event, youths, django_capture_on_commit_callbacks
):
    with in_city(grigny):
        for user, _ in youths:
            services.registration_create(user=user, offer_id=event.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_cancel(user=youths[0][0], offer_id=event.pk)
        statuses = dict(Registration.objects.values_list("user__email", "status"))
        assert statuses == {
            "jeune0@grigny.test": "cancelled",
            "jeune1@grigny.test": "registered",
            "jeune2@grigny.test": "registered",
            "jeune3@grigny.test": "waitlisted",
        }
        promoted = youths[2][0]
        message = InboxMessage.objects.get(user=promoted)
        assert "Tournoi de futsal" in message.title and message.link == "/mes-inscriptions/"
        assert not InboxMessage.objects.filter(user=youths[3][0]).exists()
    promotion = [m for m in mail.outbox if m.to == ["jeune2@grigny.test"]]
    assert len(promotion) == 1 and "place s'est libérée" in promotion[0].subject
    assert "http://grigny.localhost:8000/mes-inscriptions/" in promotion[0].body


def test_a_waitlisted_cancellation_frees_no_place(grigny, event, youths):
    with in_city(grigny):
        for user, _ in youths:
            services.registration_create(user=user, offer_id=event.pk)
        services.registration_cancel(user=youths[2][0], offer_id=event.pk)
        assert waitlist_rank(Registration.objects.get(user=youths[3][0])) == 1
        assert Registration.objects.filter(status="registered").count() == 2
        with pytest.raises(NotFound):
            services.registration_cancel(user=youths[2][0], offer_id=event.pk)
        # Coming back puts you at the end of the line.
        back = services.registration_create(user=youths[2][0], offer_id=event.pk)
        assert back.status == "waitlisted" and waitlist_rank(back) == 2


def test_only_published_upcoming_events_of_the_city_and_only_young_people(grigny, youths):
    user = youths[0][0]
    with in_city(grigny):
        job = make_offer(kind="emploi")
        past = make_offer(
            kind="evenement",
            starts_at=timezone.now() - timedelta(days=2),
            ends_at=timezone.now() - timedelta(days=1),
        )
        draft = make_offer(kind="evenement", status="draft")
        for offer in (job, draft):
            with pytest.raises(NotFound):
                services.registration_create(user=user, offer_id=offer.pk)
        with pytest.raises(ValidationFailed):
            services.registration_create(user=user, offer_id=past.pk)
        with pytest.raises(NotFound):
            services.registration_create(user=user, offer_id="pas-un-uuid")
        staff = user_create(email="agent@grigny.test", role=Role.EDITOR, password="x" * 12)
        unlimited = make_offer(kind="evenement")
        with pytest.raises(PermissionDenied):
            services.registration_create(user=staff, offer_id=unlimited.pk)
        assert services.registration_create(user=user, offer_id=unlimited.pk).status == "registered"


def test_reminder_the_day_before_once(grigny, youths):
    now = timezone.now()
    with in_city(grigny):
        tomorrow = make_offer(
            kind="evenement", title="Atelier CV", starts_at=now + timedelta(days=1)
        )
        later = make_offer(kind="evenement", title="Plus tard", starts_at=now + timedelta(days=5))
        for user, _ in youths[:2]:
            services.registration_create(user=user, offer_id=tomorrow.pk)
            services.registration_create(user=user, offer_id=later.pk)
        services.registration_cancel(user=youths[1][0], offer_id=tomorrow.pk)
        mail.outbox.clear()
        assert send_event_reminders(city=grigny) == 1
        assert send_event_reminders(city=grigny) == 0
    assert [m.to for m in mail.outbox] == [["jeune0@grigny.test"]]
    assert "Atelier CV" in mail.outbox[0].subject


def test_the_beat_task_reminds_in_every_city(grigny, gennevilliers, youths):
    with in_city(gennevilliers):
        other = make_youth("lea@gennevilliers.test")
        event = make_offer(kind="evenement", starts_at=timezone.now() + timedelta(days=1))
        services.registration_create(user=other, offer_id=event.pk)
    with in_city(grigny):
        event = make_offer(kind="evenement", starts_at=timezone.now() + timedelta(days=1))
        services.registration_create(user=youths[0][0], offer_id=event.pk)
    mail.outbox.clear()
    assert send_event_reminders_everywhere() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["jeune0@grigny.test", "lea@gennevilliers.test"]


def test_concurrent_registrations_never_exceed_capacity(committed, grigny_committed):
    """Twelve people click at the same instant for five places: exactly five get one."""
    city = grigny_committed
    with in_city(city):
        event = make_offer(kind="evenement", title="Concert", capacity=5)
        users = [make_youth(f"rush{i}@grigny.test") for i in range(12)]
    barrier = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def register(user) -> None:
        try:
            with in_city(city):
                barrier.wait()
                services.registration_create(user=user, offer_id=event.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with in_city(city):
            rows = list(Registration.objects.filter(offer=event))
            assert sum(r.status == "registered" for r in rows) == 5
            assert sum(r.status == "waitlisted" for r in rows) == 7
            assert sorted(r.position for r in rows) == list(range(1, 13))
            # Everyone cancels at once: places always go to the waitlist, never above capacity.
            barrier2 = threading.Barrier(6)

            def cancel(user) -> None:
                with in_city(city):
                    barrier2.wait()
                    services.registration_cancel(user=user, offer_id=event.pk)
                connection.close()

            first = [r.user for r in rows if r.status == "registered"][:3]
            more = [r.user for r in rows if r.status == "waitlisted"][:3]
        cancels = [threading.Thread(target=cancel, args=(u,)) for u in first + more]
        for t in cancels:
            t.start()
        for t in cancels:
            t.join()
        with in_city(city):
            assert Registration.objects.filter(offer=event, status="registered").count() == 5
            assert Registration.objects.filter(offer=event, status="waitlisted").count() == 1
    finally:
        with in_city(city):
            InboxMessage.objects.filter(user__in=users).delete()
            Registration.objects.filter(offer=event).delete()
            event.delete()
            for user in users:
                account_delete(user=user)
        connection.set_schema_to_public()
