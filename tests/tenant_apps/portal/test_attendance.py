"""Attendance at events: staff mark who came (roles, states), the staff page, data rights,
and another city can never touch it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from kernel.errors import PermissionDenied, ValidationFailed

from shared_apps.accounts.models import Role
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.catalogue.models import Offer
from tenant_apps.portal import services
from tenant_apps.portal.models import Registration
from tenant_apps.youth.services import account_delete
from tenants.context import in_city
from tests.conftest import PASSWORD
from tests.tenant_apps.catalogue.factories import make_offer


def _signed_in(client_for, city, email):
    client = client_for(city)
    response = client.post("/connexion/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _start(event, hours_ago: int = 1) -> None:
    Offer.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=hours_ago))


@pytest.fixture
def regs(grigny, event, youths):
    """Two registered, one waitlisted, one cancelled; the event started an hour ago."""
    with in_city(grigny):
        for user, _ in youths:
            services.registration_create(user=user, offer_id=event.pk)
        services.registration_cancel(user=youths[3][0], offer_id=event.pk)
        _start(event)
        return list(Registration.objects.filter(offer=event).order_by("position"))


def test_staff_who_write_mark_and_unmark_attendance_with_an_audit_row(grigny, make_user, regs):
    editor = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    partner = make_user(grigny, "partner@grigny.test", Role.PARTNER)
    viewer = make_user(grigny, "viewer@grigny.test", Role.VIEWER)
    with in_city(grigny):
        marked = services.registration_mark_attendance(
            registration=regs[0], by=editor, attended=True
        )
        assert marked.attended_at is not None
        again = services.registration_mark_attendance(
            registration=regs[0], by=partner, attended=True
        )
        assert again.attended_at == marked.attended_at  # idempotent, no new audit row
        with pytest.raises(PermissionDenied):
            services.registration_mark_attendance(registration=regs[1], by=viewer, attended=True)
        youth = regs[1].user
        with pytest.raises(PermissionDenied):
            services.registration_mark_attendance(registration=regs[1], by=youth, attended=True)
        services.registration_mark_attendance(registration=regs[0], by=partner, attended=False)
        assert Registration.objects.get(pk=regs[0].pk).attended_at is None
        actions = list(
            StaffAuditEntry.objects.filter(object_type="registration")
            .order_by("id")
            .values_list("action", "actor_email", "object_label")
        )
    assert actions == [
        ("registration.attend", "editor@grigny.test", "Tournoi de futsal"),
        ("registration.unattend", "partner@grigny.test", "Tournoi de futsal"),
    ]


def test_waitlisted_cancelled_and_future_events_are_refused(grigny, event, make_user, regs):
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    with in_city(grigny):
        waitlisted, cancelled = regs[2], regs[3]
        assert (waitlisted.status, cancelled.status) == ("waitlisted", "cancelled")
        for registration in (waitlisted, cancelled):
            with pytest.raises(ValidationFailed, match="personnes inscrites") as exc:
                services.registration_mark_attendance(
                    registration=registration, by=admin, attended=True
                )
            assert exc.value.code == "not_registered"
        Offer.objects.filter(pk=event.pk).update(starts_at=timezone.now() + timedelta(days=1))
        with pytest.raises(ValidationFailed, match="pas encore commencé") as exc:
            services.registration_mark_attendance(registration=regs[0], by=admin, attended=True)
        assert exc.value.code == "event_not_started"
        assert not Registration.objects.filter(attended_at__isnull=False).exists()


def test_staff_page_ticks_present_people_without_javascript(
    client_for, grigny, event, make_user, regs
):
    make_user(grigny, "admin@grigny.test", Role.ADMIN)
    staff = _signed_in(client_for, grigny, "admin@grigny.test")
    url = f"/staff/inscriptions/{event.pk}/"
    page = staff.get(url).content.decode()
    assert "2 inscrit·e·s sur 2 places (0 libres) · 0 présent·e·s" in page
    assert page.count('type="checkbox" name="attended"') == 2  # registered people only
    assert "Enregistrer les présences" in page
    response = staff.post(f"{url}presences/", {"attended": [str(regs[0].pk), str(regs[2].pk)]})
    assert response.status_code == 302 and response["Location"] == url
    page = staff.get(url).content.decode()
    assert "Les présences sont enregistrées." in page
    assert "(0 libres) · 1 présent·e ·" in page
    assert f'value="{regs[0].pk}" id="attended-{regs[0].pk}" checked' in page
    with in_city(grigny):
        present = set(Registration.objects.filter(attended_at__isnull=False).values_list("pk"))
    assert present == {(regs[0].pk,)}  # the waitlisted id in the form was ignored
    listing = staff.get("/staff/inscriptions/").content.decode()
    assert "<td>2</td><td>1</td>" in listing  # registered, present
    # Unticking everything clears attendance.
    staff.post(f"{url}presences/", {})
    assert "0 présent·e·s" in staff.get(url).content.decode()


def test_staff_page_before_the_event_and_for_viewers(client_for, grigny, event, make_user, regs):
    make_user(grigny, "viewer@grigny.test", Role.VIEWER)
    viewer = _signed_in(client_for, grigny, "viewer@grigny.test")
    url = f"/staff/inscriptions/{event.pk}/"
    page = viewer.get(url).content.decode()
    # Issue 10: an elected official (viewer) reads the counts, not who registered.
    assert "présent·e" in page and 'name="attended"' not in page and "Pseudo" not in page
    assert viewer.post(f"{url}presences/", {"attended": [str(regs[0].pk)]}).status_code == 403
    make_user(grigny, "admin@grigny.test", Role.ADMIN)
    admin = _signed_in(client_for, grigny, "admin@grigny.test")
    with in_city(grigny):
        Offer.objects.filter(pk=event.pk).update(starts_at=timezone.now() + timedelta(days=1))
    page = admin.get(url).content.decode()
    assert 'name="attended"' not in page and "à partir du début" in page
    admin.post(f"{url}presences/", {"attended": [str(regs[0].pk)]})
    assert "pas encore commencé" in admin.get(url).content.decode()
    with in_city(grigny):
        assert not Registration.objects.filter(attended_at__isnull=False).exists()


def test_gennevilliers_staff_cannot_mark_a_grigny_registration(
    client_for, grigny, gennevilliers, event, make_user, regs
):
    make_user(gennevilliers, "admin@gen.test", Role.ADMIN)
    staff = _signed_in(client_for, gennevilliers, "admin@gen.test")
    with in_city(gennevilliers):
        own = make_offer(kind="evenement", title="Fête de quartier")
    response = staff.post(
        f"/staff/inscriptions/{event.pk}/presences/", {"attended": [str(regs[0].pk)]}
    )
    assert response.status_code == 404
    # A Grigny registration id sent with Gennevilliers' own event touches nothing either.
    staff.post(f"/staff/inscriptions/{own.pk}/presences/", {"attended": [str(regs[0].pk)]})
    with in_city(grigny):
        assert not Registration.objects.filter(attended_at__isnull=False).exists()
    # And a Grigny staff session is not valid on the Gennevilliers host.
    make_user(grigny, "admin@grigny.test", Role.ADMIN)
    grigny_staff = _signed_in(client_for, grigny, "admin@grigny.test")
    grigny_staff.defaults["HTTP_HOST"] = client_for(gennevilliers).defaults["HTTP_HOST"]
    response = grigny_staff.post(f"/staff/inscriptions/{own.pk}/presences/", {})
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_attendance_is_in_the_export_and_erased_with_the_account(
    api_for, grigny, make_user, youths, regs
):
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    user, token = youths[0]
    with in_city(grigny):
        services.registration_mark_attendance(registration=regs[0], by=admin, attended=True)
    export = api_for(grigny, token).get("/api/v1/me/export/").json()
    (mine,) = export["registrations"]
    assert mine["event"] == "Tournoi de futsal" and mine["attended_at"]
    with in_city(grigny):
        account_delete(user=user)
        row = Registration.objects.get(pk=regs[0].pk)
        assert row.user_id is None and row.attended_at is None


def test_people_who_came_rate_the_event_once_and_staff_see_it_from_ten(
    client_for, grigny, make_user
):
    from datetime import timedelta

    from django.utils import timezone

    from tenant_apps.portal.models import Registration, RegistrationStatus
    from tenant_apps.portal.selectors import event_feedback
    from tests.tenant_apps.catalogue.factories import make_offer
    from tests.tenant_apps.youth.factories import make_youth

    with in_city(grigny):
        event = make_offer(
            kind="evenement", title="Atelier graff", starts_at=timezone.now() - timedelta(days=1)
        )
        people = [make_youth(f"j{i}@grigny.test") for i in range(11)]
        for i, person in enumerate(people):
            Registration.objects.create(
                user=person,
                offer=event,
                position=i + 1,
                status=RegistrationStatus.REGISTERED,
                attended_at=timezone.now() if i < 10 else None,
            )
    clients = []
    for person in people:
        client = client_for(grigny)
        with in_city(grigny):
            client.force_login(person)
        clients.append(client)
    url = f"/offres/{event.pk}/avis/"
    for i, client in enumerate(clients[:9]):
        client.post(url, {"rating": str(4 + i % 2), "word": "Trop bien"})
    with in_city(grigny):
        assert event_feedback(offer=event) == {"count": "<10", "mean": None, "words": []}
    clients[9].post(url, {"rating": "3", "word": "sympa"})
    clients[9].post(url, {"rating": "1", "word": "encore"})  # twice: the first stays
    clients[10].post(url, {"rating": "5"})  # did not come
    clients[0].post(url, {"rating": "9"})
    with in_city(grigny):
        figures = event_feedback(offer=event)
        assert figures["count"] == 10 and figures["mean"] == 4.3
        assert figures["words"] == ["trop bien", "sympa"]
        assert Registration.objects.get(user=people[9]).rating == 3
    page = clients[9].get("/mes-inscriptions/").content.decode()
    assert "Merci pour ton avis" in page
