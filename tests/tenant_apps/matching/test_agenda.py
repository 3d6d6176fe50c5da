"""« Mon agenda »: an advisor with an account runs their own slots and bookings, group slots
hold their places (even when everyone clicks at once), cancellations and the day-before
reminders reach people with the place, and nobody else reads these bookings."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from kernel.errors import Conflict, PermissionDenied
from PIL import Image

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import token_create, user_create
from tenant_apps.matching import notifications, services
from tenant_apps.matching.models import Advisor, Booking, InboxMessage, Slot
from tenant_apps.matching.selectors import slots_free
from tenant_apps.matching.tasks import send_booking_reminders_everywhere
from tenants.context import in_city
from tests.conftest import PASSWORD, host_of
from tests.tenant_apps.catalogue.factories import make_offer
from tests.tenants.crosscity import break_table, city_tags, sentry_events

SOON = timedelta(days=3)


def _advisor(city, email: str, name: str = "Awa", **fields) -> tuple[Advisor, User]:
    """An advisor record linked to an advisor account of `city`."""
    defaults = dict(
        kind="advisor", display_name=name, organisation="Mission locale",
        bio="Je t'aide à trouver un job.", formats=["individuel", "collectif", "cafe", "en_ligne"],
        location="2 rue de la Mairie, Grigny",
    )  # fmt: skip
    with in_city(city):
        account = user_create(email=email, role=Role.ADVISOR, password=PASSWORD)
        admin = User.objects.filter(role=Role.ADMIN).first()
        advisor = services.advisor_create(**{**defaults, **fields})
        return services.advisor_link_account(advisor=advisor, user=account, by=admin), account


def _slot(city, advisor, *, offset=SOON, by=None, **fields) -> Slot:
    start = timezone.now() + offset
    defaults = {"format": "individuel"}
    with in_city(city):
        return services.slot_create(
            advisor=advisor, starts_at=start, ends_at=start + timedelta(hours=1), by=by,
            **{**defaults, **fields},
        )  # fmt: skip


def _youth(city, email: str, pseudo: str = "") -> User:
    with in_city(city):
        return user_create(email=email, role=Role.YOUTH, password=PASSWORD, display_name=pseudo)


def _signed_in(client_for, city, user):
    client = client_for(city)
    with in_city(city):
        client.force_login(user)
    return client


@pytest.fixture
def awa(grigny):
    return _advisor(grigny, "awa@grigny.test")


@pytest.fixture
def awa_client(client_for, grigny, awa):
    return _signed_in(client_for, grigny, awa[1])


# The agenda page


def test_the_advisor_sees_their_bookings_with_the_message_and_the_aid(
    client_for, grigny, awa, awa_client
):
    advisor, _account = awa
    slot = _slot(grigny, advisor)
    lina = _youth(grigny, "lina@grigny.test", "Lina")
    with in_city(grigny):
        aid = make_offer(kind="aide", title="Aide au permis")
        services.booking_create(
            slot_id=slot.pk, user=lina, message="Je veux passer le permis.", about_offer_id=aid.pk
        )
    page = awa_client.get("/staff/mon-agenda/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lina" in html and "Je veux passer le permis." in html
    assert "À propos de : <strong>Aide au permis</strong>" in html
    assert "2 rue de la Mairie, Grigny" in html  # the place
    assert "lina@grigny.test" not in html
    assert '<a href="/staff/mon-agenda/" aria-current="page">Mon agenda</a>' in html


def test_the_advisor_creates_individual_group_and_informal_slots(grigny, awa, awa_client):
    advisor, _account = awa
    day = (timezone.localdate() + timedelta(days=4)).isoformat()
    base = {"date": day, "duration": "60", "capacity": "1", "place": "", "video_link": "",
            "weeks": "1"}  # fmt: skip
    posts = [
        {**base, "start_time": "10:00", "format": "individuel"},
        {**base, "start_time": "14:00", "format": "collectif", "capacity": "8",
         "place": "Salle des fêtes, 1 place Henri-Barbusse"},
        {**base, "start_time": "17:00", "format": "cafe", "place": "Café du marché"},
        {**base, "start_time": "18:30", "format": "en_ligne",
         "video_link": "https://visio.exemple.fr/awa"},
    ]  # fmt: skip
    for data in posts:
        assert awa_client.post("/staff/mon-agenda/creneaux/", data).status_code == 302, data
    with in_city(grigny):
        slots = list(Slot.objects.filter(advisor=advisor).order_by("starts_at"))
    assert [(s.format, s.capacity) for s in slots] == [
        ("individuel", 1), ("collectif", 8), ("cafe", 1), ("en_ligne", 1),
    ]  # fmt: skip
    assert slots[1].where == "Salle des fêtes, 1 place Henri-Barbusse"
    assert slots[0].where == "2 rue de la Mairie, Grigny"  # the advisor's usual place
    assert slots[3].video_link == "https://visio.exemple.fr/awa"
    html = awa_client.get("/staff/mon-agenda/").content.decode()
    assert "0 inscrit·e(s) sur 8 places" in html and "Café du marché" in html

    online = awa_client.post(
        "/staff/mon-agenda/creneaux/", {**base, "start_time": "20:00", "format": "en_ligne"}
    )
    assert online.status_code == 400
    assert "Un rendez-vous en ligne a besoin d&#x27;un lien de visio" in online.content.decode()
    crowd = awa_client.post(
        "/staff/mon-agenda/creneaux/",
        {**base, "start_time": "20:00", "format": "individuel", "capacity": "5"},
    )
    assert crowd.status_code == 400 and "choisis le format « En groupe »" in crowd.content.decode()
    with in_city(grigny):
        assert Slot.objects.filter(advisor=advisor).count() == 4


def test_an_unlinked_advisor_account_is_told_whom_to_ask(client_for, grigny):
    with in_city(grigny):
        alone = user_create(email="new@grigny.test", role=Role.ADVISOR, password=PASSWORD)
    page = _signed_in(client_for, grigny, alone).get("/staff/mon-agenda/")
    assert page.status_code == 200 and "pas encore relié" in page.content.decode()


@pytest.mark.parametrize("role", [Role.YOUTH, Role.VIEWER, Role.PARTNER, Role.EDITOR])
def test_other_roles_get_the_403_page(client_for, make_user, grigny, role):
    user = make_user(grigny, f"{role}@grigny.test", role)
    response = _signed_in(client_for, grigny, user).get("/staff/mon-agenda/")
    assert response.status_code == 403


def test_an_editor_linked_to_a_record_keeps_that_agenda(client_for, make_user, grigny):
    editor = make_user(grigny, "editrice@grigny.test", Role.EDITOR)
    with in_city(grigny):
        advisor = services.advisor_create(
            kind="mentor", display_name="Inès", organisation="Pharmacie", bio="Pharmacienne.",
            formats=["cafe"],
        )  # fmt: skip
        services.advisor_link_account(advisor=advisor, user=editor, by=editor)
    page = _signed_in(client_for, grigny, editor).get("/staff/mon-agenda/").content.decode()
    assert "Inès" in page and "Mon agenda" in page


def test_staff_link_an_account_from_the_advisor_form(client_for, make_user, grigny):
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    with in_city(grigny):
        account = user_create(email="karim@grigny.test", role=Role.ADVISOR, password=PASSWORD)
        make_user(grigny, "elu@grigny.test", Role.VIEWER)
    client = _signed_in(client_for, grigny, admin)
    form = client.get("/staff/accompagnement/nouveau/").content.decode()
    assert "karim@grigny.test" in form and "elu@grigny.test" not in form
    response = client.post(
        "/staff/accompagnement/nouveau/",
        {"kind": "mentor", "display_name": "Karim", "organisation": "Garage",
         "bio": "Mécano.", "formats": ["cafe"], "languages": "", "account": account.pk},
    )  # fmt: skip
    assert response.status_code == 302
    with in_city(grigny):
        assert Advisor.objects.get(display_name="Karim").user == account


# Nobody else reads an advisor's bookings


def test_another_advisor_cannot_see_or_cancel_these_bookings(client_for, grigny, awa):
    advisor, _account = awa
    slot = _slot(grigny, advisor)
    lina = _youth(grigny, "lina@grigny.test", "Lina")
    with in_city(grigny):
        booking = services.booking_create(slot_id=slot.pk, user=lina, message="Secret de Lina")
    _other, karim = _advisor(grigny, "karim@grigny.test", name="Karim")
    client = _signed_in(client_for, grigny, karim)
    assert "Secret de Lina" not in client.get("/staff/mon-agenda/").content.decode()
    base = "/staff/mon-agenda"
    assert client.post(f"{base}/rendez-vous/{booking.pk}/annuler/").status_code == 404
    assert client.post(f"{base}/creneaux/{slot.pk}/annuler/").status_code == 404
    with in_city(grigny):
        booking.refresh_from_db()
        assert booking.canceled_at is None and Slot.objects.filter(pk=slot.pk).exists()
        with pytest.raises(PermissionDenied):
            services.slot_cancel(slot=slot, by=karim)


def test_another_citys_advisor_sees_nothing_of_grigny(client_for, api_for, grigny, gennevilliers):
    advisor, account = _advisor(grigny, "awa@grigny.test")
    slot = _slot(grigny, advisor)
    lina = _youth(grigny, "lina@grigny.test", "Lina")
    with in_city(grigny):
        booking = services.booking_create(slot_id=slot.pk, user=lina, message="Secret de Lina")
        grigny_token = token_create(user=account)
    _far, sami = _advisor(gennevilliers, "sami@gennevilliers.test", name="Sami")
    with in_city(gennevilliers):
        token = token_create(user=sami)
    client = _signed_in(client_for, gennevilliers, sami)
    assert "Secret de Lina" not in client.get("/staff/mon-agenda/").content.decode()
    assert client.post(f"/staff/mon-agenda/rendez-vous/{booking.pk}/annuler/").status_code == 404
    listing = api_for(gennevilliers, token).get("/api/v1/advisor/bookings/").json()
    assert listing["count"] == 0
    # Grigny's token is worthless on Gennevilliers' host.
    assert api_for(gennevilliers, grigny_token).get("/api/v1/advisor/bookings/").status_code == 401
    with in_city(grigny):
        booking.refresh_from_db()
        assert booking.canceled_at is None


# The API: the advisor's own bookings only


def test_api_lists_the_advisors_own_bookings_only(api_for, grigny, awa):
    advisor, account = awa
    slot = _slot(grigny, advisor, place="Point jeunes")
    lina = _youth(grigny, "lina@grigny.test", "Lina")
    other, karim = _advisor(grigny, "karim@grigny.test", name="Karim")
    other_slot = _slot(grigny, other)
    yanis = _youth(grigny, "yanis@grigny.test", "Yanis")
    with in_city(grigny):
        aid = make_offer(kind="aide", title="Aide au permis")
        services.booking_create(
            slot_id=slot.pk, user=lina, message="Le permis", about_offer_id=aid.pk
        )
        services.booking_create(slot_id=other_slot.pk, user=yanis, message="Pour Karim")
        awa_token, karim_token = token_create(user=account), token_create(user=karim)
        youth_token = token_create(user=lina)
    mine = api_for(grigny, awa_token).get("/api/v1/advisor/bookings/")
    assert mine.status_code == 200
    [row] = mine.json()["results"]
    assert row["person"] == "Lina" and row["message"] == "Le permis"
    assert row["place"] == "Point jeunes"
    assert row["about_offer"] == {"id": str(aid.pk), "title": "Aide au permis"}
    assert "lina@grigny.test" not in mine.content.decode()
    assert [r["person"] for r in api_for(grigny, karim_token).get(
        "/api/v1/advisor/bookings/").json()["results"]] == ["Yanis"]  # fmt: skip
    refused = api_for(grigny, youth_token).get("/api/v1/advisor/bookings/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_advisor"
    assert api_for(grigny).get("/api/v1/advisor/bookings/").status_code == 401


def test_api_an_unlinked_advisor_gets_a_403(api_for, grigny):
    with in_city(grigny):
        alone = user_create(email="new@grigny.test", role=Role.ADVISOR, password=PASSWORD)
        token = token_create(user=alone)
    response = api_for(grigny, token).get("/api/v1/advisor/bookings/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "advisor_not_linked"


def test_api_the_advisor_creates_and_cancels_their_slots(api_for, grigny, awa):
    _advisor_record, account = awa
    with in_city(grigny):
        token = token_create(user=account)
    api = api_for(grigny, token)
    start = timezone.now() + SOON
    created = api.post(
        "/api/v1/advisor/slots/",
        {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
         "format": "collectif", "capacity": 6, "place": "Salle B"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201
    assert created.json()["capacity"] == 6 and created.json()["place"] == "Salle B"
    other, _karim = _advisor(grigny, "karim@grigny.test", name="Karim")
    foreign = _slot(grigny, other)
    assert api.post(f"/api/v1/advisor/slots/{foreign.pk}/cancel/").status_code == 404
    done = api.post(f"/api/v1/advisor/slots/{created.json()['id']}/cancel/", {"reason": "Grève"})
    assert done.status_code == 200
    with in_city(grigny):
        assert Slot.objects.get(pk=created.json()["id"]).canceled_at is not None
        assert Slot.objects.get(pk=foreign.pk).canceled_at is None


# Group slots hold their places


def test_a_group_slot_takes_bookings_up_to_its_capacity(api_for, grigny, awa):
    advisor, _account = awa
    slot = _slot(grigny, advisor, format="collectif", capacity=3, place="Salle des fêtes")
    people = [_youth(grigny, f"jeune{i}@grigny.test", f"J{i}") for i in range(4)]
    with in_city(grigny):
        for person in people[:3]:
            services.booking_create(slot_id=slot.pk, user=person)
        with pytest.raises(Conflict) as full:
            services.booking_create(slot_id=slot.pk, user=people[3])
        assert full.value.code == "slot_taken"
        assert sorted(Booking.objects.filter(slot=slot).values_list("seat", flat=True)) == [1, 2, 3]
    detail = api_for(grigny).get(f"/api/v1/advisors/{advisor.pk}/").json()
    assert detail["slots"] == []  # full: no longer offered
    with in_city(grigny):
        first = Booking.objects.get(slot=slot, user=people[0])
        services.booking_cancel(booking_id=first.pk, user=people[0])
        assert services.booking_create(slot_id=slot.pk, user=people[3]).seat == 1  # freed


def test_one_person_holds_one_place_of_a_group_slot(api_for, grigny, awa):
    advisor, _account = awa
    slot = _slot(grigny, advisor, format="collectif", capacity=5)
    lina = _youth(grigny, "lina@grigny.test")
    with in_city(grigny):
        token = token_create(user=lina)
    api = api_for(grigny, token)
    assert api.post(f"/api/v1/advisors/slots/{slot.pk}/book/").status_code == 201
    again = api.post(f"/api/v1/advisors/slots/{slot.pk}/book/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_booked"
    places = api_for(grigny).get(f"/api/v1/advisors/{advisor.pk}/").json()["slots"][0]
    assert places["capacity"] == 5 and places["places_left"] == 4


def test_twice_the_capacity_book_at_once_and_exactly_capacity_get_a_place(
    committed, django_db_blocker
):
    """Real concurrency: twice `capacity` threads, each its own database connection and API client,
    released together on one group slot."""
    from rest_framework.test import APIClient

    from tenants.models import City

    capacity = 3
    grigny = City.objects.get(slug="grigny")
    with in_city(grigny):
        advisor = services.advisor_create(
            kind="advisor", display_name="Concurrence", organisation="Mission locale",
            bio="Atelier CV.", formats=["collectif"],
        )  # fmt: skip
        start = timezone.now() + SOON
        slot = services.slot_create(
            advisor=advisor, starts_at=start, ends_at=start + timedelta(hours=1),
            format="collectif", capacity=capacity,
        )  # fmt: skip
        people = [
            user_create(email=f"racer{i}@grigny.test", role=Role.YOUTH, password=PASSWORD)
            for i in range(2 * capacity)
        ]
        tokens = [token_create(user=person) for person in people]
    barrier = threading.Barrier(len(tokens))
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(token: str) -> None:
        with django_db_blocker.unblock():
            try:
                client = APIClient(HTTP_HOST=host_of(grigny))
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
                barrier.wait()
                response = client.post(f"/api/v1/advisors/slots/{slot.pk}/book/")
                with lock:
                    statuses.append(response.status_code)
            finally:
                connection.close()

    threads = [threading.Thread(target=attempt, args=(token,)) for token in tokens]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [201] * capacity + [409] * capacity
        with in_city(grigny):
            live = Booking.objects.filter(slot=slot, canceled_at=None)
            assert live.count() == capacity
            assert sorted(live.values_list("seat", flat=True)) == list(range(1, capacity + 1))
    finally:
        with in_city(grigny):
            Advisor.objects.filter(pk=advisor.pk).delete()
            User.objects.filter(pk__in=[p.pk for p in people]).delete()


# Cancel: the young people booked are told


def test_cancelling_a_slot_tells_everyone_booked_by_inbox_and_email(
    grigny, awa, awa_client, django_capture_on_commit_callbacks
):
    advisor, _account = awa
    slot = _slot(grigny, advisor, format="collectif", capacity=4, place="Salle B")
    lina, yanis = _youth(grigny, "lina@grigny.test"), _youth(grigny, "yanis@grigny.test")
    with in_city(grigny):
        for person in (lina, yanis):
            services.booking_create(slot_id=slot.pk, user=person)
        services.notification_settings_update(user=yanis, email=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = awa_client.post(
            f"/staff/mon-agenda/creneaux/{slot.pk}/annuler/", {"reason": "Je suis malade."}
        )
    assert response.status_code == 302
    with in_city(grigny):
        slot.refresh_from_db()
        assert slot.canceled_at is not None
        assert not Booking.objects.filter(slot=slot, canceled_at=None).exists()
        for person in (lina, yanis):
            message = InboxMessage.objects.filter(user=person).order_by("-created_at").first()
            assert message.title == "Rendez-vous annulé avec Awa"
            assert "annulé par Awa" in message.body and "Je suis malade." in message.body
    # Lina accepts e-mails; Yanis said no: the inbox only.
    assert [m.to for m in mail.outbox] == [["lina@grigny.test"]]
    assert "Je suis malade." in mail.outbox[0].body
    assert "http://grigny.localhost:8000/accompagnement/" in mail.outbox[0].body
    assert "· <strong>annulé</strong>" in awa_client.get("/staff/mon-agenda/").content.decode()


def test_cancelling_one_booking_tells_that_person(
    grigny, awa, awa_client, django_capture_on_commit_callbacks
):
    advisor, _account = awa
    slot = _slot(grigny, advisor)
    lina = _youth(grigny, "lina@grigny.test")
    with in_city(grigny):
        booking = services.booking_create(slot_id=slot.pk, user=lina)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        awa_client.post(f"/staff/mon-agenda/rendez-vous/{booking.pk}/annuler/", {"reason": ""})
    with in_city(grigny):
        booking.refresh_from_db()
        assert booking.canceled_at is not None
        assert list(slots_free(advisor=advisor)) == [slot]  # free again
    again = awa_client.post(f"/staff/mon-agenda/rendez-vous/{booking.pk}/annuler/", follow=True)
    assert "Ce rendez-vous est déjà annulé" in again.content.decode()
    assert [m.to for m in mail.outbox] == [["lina@grigny.test"]]
    assert mail.outbox[0].subject == "Tremplin Grigny : Rendez-vous annulé avec Awa"


def test_a_canceled_slot_cannot_be_booked(grigny, awa):
    advisor, account = awa
    slot = _slot(grigny, advisor)
    lina = _youth(grigny, "lina@grigny.test")
    with in_city(grigny):
        services.slot_cancel(slot=slot, by=account)
        with pytest.raises(Conflict) as caught:
            services.booking_create(slot_id=slot.pk, user=lina)
    assert caught.value.code == "slot_canceled"


# Reminders the day before, to both sides, with the place, once


def test_reminders_reach_both_sides_with_the_place_once(
    grigny, awa, django_capture_on_commit_callbacks
):
    advisor, _account = awa
    tomorrow = _slot(grigny, advisor, offset=timedelta(days=1), format="collectif",
                     capacity=3, place="Salle des fêtes, 1 place Henri-Barbusse")  # fmt: skip
    later = _slot(grigny, advisor, offset=timedelta(days=4))
    lina, yanis = _youth(grigny, "lina@grigny.test", "Lina"), _youth(grigny, "yanis@grigny.test")
    noor = _youth(grigny, "noor@grigny.test", "Noor")
    with in_city(grigny):
        services.booking_create(slot_id=tomorrow.pk, user=lina)
        gone = services.booking_create(slot_id=tomorrow.pk, user=yanis)
        services.booking_cancel(booking_id=gone.pk, user=yanis)
        services.booking_create(slot_id=later.pk, user=noor)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):  # the beat runs outside one
            assert notifications.send_booking_reminders(city=grigny) == 2
            assert notifications.send_booking_reminders(city=grigny) == 0  # once only
        reminder = InboxMessage.objects.filter(user=lina, title__startswith="Demain").get()
        assert not InboxMessage.objects.filter(user__in=[yanis, noor], title__startswith="Demain")
    assert "Salle des fêtes, 1 place Henri-Barbusse" in reminder.body
    assert sorted(m.to[0] for m in mail.outbox) == ["awa@grigny.test", "lina@grigny.test"]
    to_advisor = next(m for m in mail.outbox if m.to == ["awa@grigny.test"])
    assert "Lina" in to_advisor.body and "Salle des fêtes" in to_advisor.body
    assert "yanis" not in to_advisor.body.lower()
    assert "http://grigny.localhost:8000/staff/mon-agenda/" in to_advisor.body


def test_a_young_person_without_emails_is_reminded_in_the_inbox_only(
    grigny, awa, django_capture_on_commit_callbacks
):
    advisor, _account = awa
    slot = _slot(grigny, advisor, offset=timedelta(days=1), format="en_ligne",
                 video_link="https://visio.exemple.fr/awa")  # fmt: skip
    lina = _youth(grigny, "lina@grigny.test")
    with in_city(grigny):
        services.booking_create(slot_id=slot.pk, user=lina)
        services.notification_settings_update(user=lina, email=False)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            notifications.send_booking_reminders(city=grigny)
        reminder = InboxMessage.objects.get(user=lina, title__startswith="Demain")
    assert "https://visio.exemple.fr/awa" in reminder.body
    assert [m.to for m in mail.outbox] == [["awa@grigny.test"]]


def test_the_beat_task_reminds_every_city_and_reports_a_failing_one(
    grigny, gennevilliers, django_capture_on_commit_callbacks
):
    for city, email in ((grigny, "awa@grigny.test"), (gennevilliers, "sami@gennevilliers.test")):
        advisor, _account = _advisor(city, email)
        slot = _slot(city, advisor, offset=timedelta(days=1))
        person = _youth(city, f"lina@{city.slug}.test")
        with in_city(city):
            services.booking_create(slot_id=slot.pk, user=person)
    break_table(gennevilliers, Booking._meta.db_table)  # comes first: slug order
    mail.outbox.clear()
    with sentry_events() as events, django_capture_on_commit_callbacks(execute=True):
        assert send_booking_reminders_everywhere() == 2  # Grigny: Lina and Awa
    assert sorted(m.to[0] for m in mail.outbox) == ["awa@grigny.test", "lina@grigny.test"]
    assert city_tags(events) == ["gennevilliers"]


def test_the_beat_schedule_runs_the_reminders_every_morning(settings):
    from tremplin.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["matching-booking-reminders"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {9}


# The presentation young people see before they choose


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TREMPLIN_SERVE_MEDIA = True
    return tmp_path


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (200, 80, 40)).save(out, format="JPEG")
    return out.getvalue()


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def _present(client, **extra):
    data = {
        "display_name": "Awa", "job_title": "Conseillère emploi", "bio": "Je t'aide.",
        "location": "Mission locale", "languages": "français", "formats": ["individuel"],
        "video_url": "", "video_text": "",
    }  # fmt: skip
    return client.post("/staff/mon-agenda/presentation/", {**data, **extra})


def test_the_advisor_uploads_a_photo_and_a_video_with_its_text(
    client_for, grigny, awa, awa_client, media
):
    advisor, _account = awa
    response = _present(
        awa_client,
        photo=SimpleUploadedFile("moi.jpg", _jpeg(), content_type="image/jpeg"),
        video=SimpleUploadedFile("moi.mov", MP4, content_type="video/mp4"),
        video_text="Je m'appelle Awa, je t'aide à trouver un job.",
    )
    assert response.status_code == 302
    with in_city(grigny):
        advisor.refresh_from_db()
    photo, video = advisor.photo.name, advisor.video_file.name
    assert photo.startswith("grigny/advisors/") and photo.endswith(".webp")
    assert "moi" not in photo and video.endswith(".mp4") and "moi" not in video
    stored = Image.open(io.BytesIO((media / photo).read_bytes()))
    assert stored.format == "WEBP" and max(stored.size) == 800
    page = client_for(grigny).get(f"/accompagnement/{advisor.pk}/").content.decode()
    assert f'src="/media/{photo}"' in page and 'alt="Photo de Awa"' in page
    assert f'<video src="/media/{video}"' in page
    assert "Je m&#x27;appelle Awa, je t&#x27;aide à trouver un job." in page
    served = client_for(grigny).get(f"/media/{video}")
    assert served.status_code == 200 and served["Content-Type"] == "video/mp4"
    api = client_for(grigny).get(f"/api/v1/advisors/{advisor.pk}/").json()
    assert api["photo_url"] == f"http://grigny.localhost:8000/media/{photo}"
    assert api["video_text"].startswith("Je m'appelle Awa")


def test_a_video_needs_its_text_and_bad_files_are_refused(grigny, awa, awa_client, media):
    advisor, _account = awa
    no_text = _present(awa_client, video_url="https://video.exemple.fr/awa")
    assert no_text.status_code == 400
    assert "Dis en quelques lignes ce que raconte la vidéo" in no_text.content.decode()
    no_text = _present(awa_client, video=SimpleUploadedFile("v.mp4", MP4, "video/mp4"))
    assert no_text.status_code == 400
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    refused = _present(awa_client, photo=SimpleUploadedFile("moi.png", svg, "image/png"))
    assert refused.status_code == 400 and "SVG, HTML ou JavaScript" in refused.content.decode()
    not_video = _present(
        awa_client, video=SimpleUploadedFile("v.mp4", b"<script>", "video/mp4"), video_text="x"
    )
    assert not_video.status_code == 400 and "MP4 ou WebM" in not_video.content.decode()
    assert not any(media.rglob("*.*"))
    link = _present(
        awa_client, video_url="https://video.exemple.fr/awa", video_text="Awa se présente."
    )
    assert link.status_code == 302
    with in_city(grigny):
        advisor.refresh_from_db()
    assert advisor.video_url == "https://video.exemple.fr/awa" and not advisor.photo


def test_a_video_over_the_size_limit_is_refused(grigny, awa, awa_client, media, monkeypatch):
    monkeypatch.setattr(services, "VIDEO_MAX_BYTES", 1000)
    big = SimpleUploadedFile("v.mp4", MP4 + b"\x00" * 2000, "video/mp4")
    response = _present(awa_client, video=big, video_text="Awa se présente.")
    assert response.status_code == 400 and "Mo au plus" in response.content.decode()
