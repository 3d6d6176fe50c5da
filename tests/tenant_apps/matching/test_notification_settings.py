"""A young person's notification choices (weekly digest or never, e-mails yes or no, push for
the app later): set on the account page or over the API, and honoured by every message sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.matching import notifications, services
from tenant_apps.matching.models import InboxMessage, NotificationSettings
from tenant_apps.portal import services as portal_services
from tenant_apps.portal.notifications import send_event_reminders
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer
from tests.tenant_apps.youth.factories import PASSWORD, make_youth

from .test_notifications import switch_on, young


@pytest.fixture
def lina(grigny):
    with in_city(grigny):
        user = make_youth("lina@grigny.test", display_name="Lina")
        return user, token_create(user=user)


def _no_emails(city, user) -> None:
    with in_city(city):
        services.notification_settings_update(user=user, email=False)


# Where they are set


def test_api_reads_and_changes_the_choices(api_for, grigny, lina):
    user, token = lina
    api = api_for(grigny, token)
    assert api.get("/api/v1/me/notifications/").json() == {
        "digest": "never", "email": True, "push": False,
    }  # fmt: skip
    changed = api.patch(
        "/api/v1/me/notifications/", {"digest": "weekly", "email": False}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json() == {"digest": "weekly", "email": False, "push": False}
    assert api.patch("/api/v1/me/notifications/", {"push": True}, format="json").json()["push"]
    bad = api.patch("/api/v1/me/notifications/", {"digest": "daily"}, format="json")
    assert bad.status_code == 400 and "digest" in bad.json()["error"]["fields"]
    with in_city(grigny):
        row = NotificationSettings.objects.get(user=user)
    assert (row.weekly_digest, row.email_enabled, row.push_enabled) == (True, False, True)


def test_api_is_for_young_people_of_this_city_only(api_for, grigny, gennevilliers, lina, make_user):
    _user, token = lina
    assert api_for(grigny).get("/api/v1/me/notifications/").status_code == 401
    assert api_for(gennevilliers, token).get("/api/v1/me/notifications/").status_code == 401
    staff = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    with in_city(grigny):
        staff_token = token_create(user=staff)
    refused = api_for(grigny, staff_token).patch(
        "/api/v1/me/notifications/", {"email": False}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_youth"


def test_the_account_page_edits_the_choices(client_for, grigny, lina):
    user, _token = lina
    client = client_for(grigny)
    client.post("/connexion/", {"username": "lina@grigny.test", "password": PASSWORD})
    page = client.get("/mon-compte/").content.decode()
    assert "Mes notifications" in page and 'action="/mon-compte/notifications/"' in page
    assert 'value="never" required id="id_digest_1" checked' in page  # the defaults
    assert 'value="1" required id="id_email_0" checked' in page
    response = client.post(
        "/mon-compte/notifications/", {"digest": "weekly", "email": "0", "next": "/mon-compte/"}
    )
    assert response.status_code == 302 and response["Location"] == "/mon-compte/"
    with in_city(grigny):
        row = NotificationSettings.objects.get(user=user)
    assert row.weekly_digest and not row.email_enabled and not row.push_enabled
    again = client.get("/mon-compte/notifications/").content.decode()
    assert 'value="weekly" required id="id_digest_0" checked' in again
    assert 'value="0" required id="id_email_1" checked' in again
    bad = client.post("/mon-compte/notifications/", {"digest": "daily", "email": "1"})
    assert bad.status_code == 400


# Where they are honoured


def test_digest_goes_to_the_inbox_when_emails_are_off(grigny, make_user, publish):
    switch_on(grigny)
    lina = young(make_user, grigny, "lina@grigny.test", interests=["sport"])
    sami = young(make_user, grigny, "sami@grigny.test", interests=["sport"])
    never = young(make_user, grigny, "never@grigny.test", interests=["sport"])
    publish(grigny, kind="emploi", title="Tournoi de basket", themes=["sport"])
    with in_city(grigny):
        services.notification_settings_update(user=lina, digest="weekly", email=False)
        services.notification_settings_update(user=sami, digest="weekly")
        services.notification_settings_update(user=never, digest="never")
        mail.outbox.clear()
        assert notifications.send_weekly_digests(city=grigny) == 2
        digest = InboxMessage.objects.get(user=lina, title="Tes idées de la semaine")
        assert not InboxMessage.objects.filter(user__in=[sami, never], link="/pour-toi/").exists()
    assert "Tournoi de basket" in digest.body
    assert [m.to for m in mail.outbox] == [["sami@grigny.test"]]


def test_event_reminder_and_promotion_respect_emails_off(
    grigny, make_user, django_capture_on_commit_callbacks
):
    with in_city(grigny):
        tomorrow = make_offer(
            kind="evenement", title="Atelier CV", capacity=1, address="Médiathèque",
            starts_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip
        first, second = make_youth("first@grigny.test"), make_youth("second@grigny.test")
        services.notification_settings_update(user=second, email=False)
        portal_services.registration_create(user=first, offer_id=tomorrow.pk)
        portal_services.registration_create(user=second, offer_id=tomorrow.pk)  # waitlisted
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            portal_services.registration_cancel(user=first, offer_id=tomorrow.pk)
        assert mail.outbox == []  # promoted, told in the inbox only
        assert InboxMessage.objects.filter(user=second, title__contains="Atelier CV").count() == 1
        assert send_event_reminders(city=grigny) == 1
        reminder = InboxMessage.objects.get(user=second, title="Demain : Atelier CV")
    assert "Médiathèque" in reminder.body and mail.outbox == []


def test_a_cancellation_by_staff_sends_no_email_when_emails_are_off(
    grigny, make_user, django_capture_on_commit_callbacks
):
    editor = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    with in_city(grigny):
        advisor = services.advisor_create(
            kind="advisor", display_name="Awa", organisation="Mission locale", bio="Je t'aide.",
            formats=["individuel"],
        )  # fmt: skip
        start = timezone.now() + timedelta(days=3)
        slot = services.slot_create(
            advisor=advisor, starts_at=start, ends_at=start + timedelta(hours=1),
            format="individuel",
        )  # fmt: skip
        quiet, chatty = make_youth("quiet@grigny.test"), make_youth("chatty@grigny.test")
        services.notification_settings_update(user=quiet, email=False)
        first = services.booking_create(slot_id=slot.pk, user=quiet)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_cancel_by_staff(booking=first, by=editor)
        assert mail.outbox == []
        second = services.booking_create(slot_id=slot.pk, user=chatty)
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_cancel_by_staff(booking=second, by=editor)
        assert InboxMessage.objects.filter(title="Rendez-vous annulé avec Awa").count() == 2
    assert [m.to for m in mail.outbox] == [["chatty@grigny.test"]]
    assert "annulé par l'équipe de la ville" in mail.outbox[0].body
