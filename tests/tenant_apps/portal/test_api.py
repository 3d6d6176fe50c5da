"""Portal API: saves, registration, my registrations, data rights, and city isolation."""

from __future__ import annotations

import pytest

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.portal.models import Registration, Save
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_national, make_offer
from tests.tenant_apps.youth.factories import make_youth

SAVES = "/api/v1/me/saves/"


def test_saves_crud_local_and_national(api_for, grigny, event, youths):
    _user, token = youths[0]
    with in_city(grigny):
        national = make_national(title="Pass Culture")
    api = api_for(grigny, token)
    assert (
        api.post("/api/v1/me/saves/", {"offer_id": str(event.pk)}, format="json").status_code == 201
    )
    created = api.post("/api/v1/me/saves/", {"offer_id": str(national.pk)}, format="json")
    assert created.status_code == 201 and created.json()["is_national"] is True
    # Saving twice is harmless.
    assert (
        api.post("/api/v1/me/saves/", {"offer_id": str(event.pk)}, format="json").status_code == 201
    )
    listing = api.get("/api/v1/me/saves/").json()
    assert listing["count"] == 2
    assert {r["title"] for r in listing["results"]} == {"Tournoi de futsal", "Pass Culture"}
    assert (
        api.delete("/api/v1/me/saves/", {"offer_id": str(event.pk)}, format="json").status_code
        == 204
    )
    assert api.delete(f"/api/v1/me/saves/{national.pk}/").status_code == 204
    assert api.get("/api/v1/me/saves/").json()["count"] == 0


@pytest.mark.parametrize("body", [{}, {"offer_id": "nope"}, {"offer_id": ["x"]}])
def test_bad_save_input_is_a_400(api_for, grigny, youths, body):
    response = api_for(grigny, youths[0][1]).post("/api/v1/me/saves/", body, format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"]


def test_unknown_offer_is_a_404(api_for, grigny, youths):
    api = api_for(grigny, youths[0][1])
    response = api.post(
        "/api/v1/me/saves/", {"offer_id": "00000000-0000-0000-0000-000000000000"}, format="json"
    )
    assert response.status_code == 404
    assert api.post("/api/v1/offers/not-a-uuid/register/").status_code == 404


def test_register_waitlist_and_cancel_over_the_api(api_for, grigny, event, youths):
    answers = [
        api_for(grigny, token).post(f"/api/v1/offers/{event.pk}/register/")
        for _u, token in youths[:3]
    ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.json()["status"] for a in answers] == ["registered", "registered", "waitlisted"]
    assert answers[2].json()["waitlist_rank"] == 1
    first = api_for(grigny, youths[0][1])
    cancelled = first.delete(f"/api/v1/offers/{event.pk}/register/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert first.delete(f"/api/v1/offers/{event.pk}/register/").status_code == 404
    third = api_for(grigny, youths[2][1]).get("/api/v1/me/registrations/").json()
    assert third["count"] == 1 and third["results"][0]["status"] == "registered"
    assert first.get("/api/v1/me/registrations/").json()["count"] == 0
    assert first.get("/api/v1/me/registrations/?all=true").json()["count"] == 1


def test_anonymous_and_staff_cannot_use_the_youth_endpoints(api_for, make_user, grigny, event):
    assert api_for(grigny).get("/api/v1/me/saves/").status_code == 401
    assert api_for(grigny).post(f"/api/v1/offers/{event.pk}/register/").status_code == 401
    staff = make_user(grigny, "agent@grigny.test", Role.EDITOR)
    with in_city(grigny):
        token = token_create(user=staff)
    response = api_for(grigny, token).post(f"/api/v1/offers/{event.pk}/register/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "youth_only"


def test_export_holds_saves_and_registrations_and_deletion_erases_them(
    api_for, grigny, event, youths, django_capture_on_commit_callbacks
):
    (me, token), (_other, other_token) = youths[0], youths[1]
    api = api_for(grigny, token)
    api.post("/api/v1/me/saves/", {"offer_id": str(event.pk)}, format="json")
    api.post(f"/api/v1/offers/{event.pk}/register/")
    api_for(grigny, other_token).post(f"/api/v1/offers/{event.pk}/register/")
    waiting_token = youths[2][1]
    api_for(grigny, waiting_token).post(f"/api/v1/offers/{event.pk}/register/")
    export = api.get("/api/v1/me/export/").json()
    assert export["saves"][0]["offer_id"] == str(event.pk)
    assert export["registrations"][0]["event"] == "Tournoi de futsal"
    assert export["registrations"][0]["status"] == "registered"
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete("/api/v1/me/").status_code == 204
    with in_city(grigny):
        assert not Save.objects.filter(user_id=me.pk).exists()
        assert not Registration.objects.filter(user_id=me.pk).exists()
        # The anonymous row stays (attendance figures) and the freed place went to the waitlist.
        assert Registration.objects.filter(user__isnull=True, status="cancelled").count() == 1
        assert Registration.objects.get(user=youths[2][0]).status == "registered"


def test_another_city_sees_nothing_and_cannot_register_to_grigny_events(
    api_for, client_for, make_user, grigny, gennevilliers, event, youths
):
    user, token = youths[0]
    api_for(grigny, token).post(f"/api/v1/offers/{event.pk}/register/")
    api_for(grigny, token).post("/api/v1/me/saves/", {"offer_id": str(event.pk)}, format="json")
    # Grigny's token is worthless on Gennevilliers.
    assert api_for(gennevilliers, token).get("/api/v1/me/saves/").status_code == 401
    assert api_for(gennevilliers, token).get("/api/v1/me/registrations/").status_code == 401
    # A Gennevilliers young person cannot register to a Grigny event.
    with in_city(gennevilliers):
        lea = make_youth("lea@gennevilliers.test")
        lea_token = token_create(user=lea)
        own = make_offer(kind="evenement", title="Fête de quartier", capacity=1)
    refused = api_for(gennevilliers, lea_token).post(f"/api/v1/offers/{event.pk}/register/")
    assert refused.status_code == 404
    assert (
        api_for(gennevilliers, lea_token)
        .post("/api/v1/me/saves/", {"offer_id": str(event.pk)}, format="json")
        .status_code
        == 404
    )
    assert api_for(gennevilliers, lea_token).get("/api/v1/me/registrations/").json()["count"] == 0
    # Gennevilliers staff see their own events only, never Grigny's registrations.
    make_user(gennevilliers, "staff@gen.test", Role.ADMIN)
    staff = client_for(gennevilliers)
    assert (
        staff.post(
            "/connexion/", {"username": "staff@gen.test", "password": "un mot de passe solide"}
        ).status_code
        == 302
    )
    listing = staff.get("/staff/inscriptions/").content.decode()
    assert "Fête de quartier" in listing and "Tournoi de futsal" not in listing
    assert staff.get(f"/staff/inscriptions/{event.pk}/").status_code == 404
    assert own.pk  # Gennevilliers' own event is listed above
    with in_city(gennevilliers):
        assert Registration.objects.count() == 0 and Save.objects.count() == 0
    assert user.email not in staff.get(f"/staff/inscriptions/{own.pk}/").content.decode()
