"""Advisors and mentors: browse, book, cancel; a slot is never held twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from kernel.errors import Conflict, NotFound, ValidationFailed

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import token_create, user_create
from tenant_apps.matching import services
from tenant_apps.matching.models import Advisor, Booking, InboxMessage, Slot
from tenant_apps.matching.selectors import advisor_suggestions, slots_free
from tenants.context import in_city

SOON = timedelta(days=2)


@pytest.fixture(autouse=True)
def mentors_on(request):
    """Mentors are a feature: the operator allows it and the city switches it on."""
    from tenants.features import feature_allow, feature_enable

    if "committed" in request.fixturenames:  # that test books an advisor, not a mentor
        return
    grigny = request.getfixturevalue("grigny")
    feature_allow(city=grigny, key="mentors", allowed=True, by="test")
    feature_enable(city=grigny, key="mentors", enabled=True, by="test")


def make_advisor(**overrides) -> Advisor:
    fields = dict(
        kind="mentor", display_name="Samia", organisation="Atelier Vélo", job_title="Mécanicienne",
        bio="Je répare des vélos et j'explique comment devenir mécano.", topics=["mobilite--vélo"],
        freins=["mobilite"], languages=["français", "arabe"], formats=["cafe", "en_ligne"],
    )  # fmt: skip
    return services.advisor_create(**{**fields, **overrides})


def make_slot(advisor: Advisor, offset: timedelta = SOON) -> Slot:
    start = timezone.now() + offset
    return services.slot_create(
        advisor=advisor, starts_at=start, ends_at=start + timedelta(hours=1), format="cafe"
    )


@pytest.fixture
def slot(grigny) -> Slot:
    with in_city(grigny):
        return make_slot(make_advisor())


def youth(city, email="lina@grigny.test") -> User:
    with in_city(city):
        return user_create(email=email, role=Role.YOUTH, password="un mot de passe solide")


def test_booking_takes_the_slot_and_notifies(grigny, slot):
    lina = youth(grigny)
    with in_city(grigny):
        booking = services.booking_create(slot_id=slot.id, user=lina, message="Devenir mécano")
        assert booking.slot == slot
        assert list(slots_free(advisor=slot.advisor)) == []
        assert InboxMessage.objects.get(user=lina).title.startswith("Rendez-vous confirmé")


def test_second_person_gets_a_clear_conflict(grigny, slot):
    lina, yanis = youth(grigny), youth(grigny, "yanis@grigny.test")
    with in_city(grigny):
        services.booking_create(slot_id=slot.id, user=lina)
        with pytest.raises(Conflict) as caught:
            services.booking_create(slot_id=slot.id, user=yanis)
        assert caught.value.code == "slot_taken"


def test_cancelling_frees_the_slot(grigny, slot):
    lina, yanis = youth(grigny), youth(grigny, "yanis@grigny.test")
    with in_city(grigny):
        booking = services.booking_create(slot_id=slot.id, user=lina)
        services.booking_cancel(booking_id=booking.id, user=lina)
        assert list(slots_free(advisor=slot.advisor)) == [slot]
        assert services.booking_create(slot_id=slot.id, user=yanis).user == yanis


def test_someone_else_cannot_cancel_my_booking(grigny, slot):
    lina, yanis = youth(grigny), youth(grigny, "yanis@grigny.test")
    with in_city(grigny):
        booking = services.booking_create(slot_id=slot.id, user=lina)
        with pytest.raises(NotFound):
            services.booking_cancel(booking_id=booking.id, user=yanis)


def test_past_slots_and_unoffered_formats_are_refused(grigny):
    with in_city(grigny):
        advisor = make_advisor()
        with pytest.raises(ValidationFailed):
            make_slot(advisor, offset=-timedelta(hours=1))
        start = timezone.now() + SOON
        with pytest.raises(ValidationFailed):
            services.slot_create(
                advisor=advisor, starts_at=start, ends_at=start + SOON, format="collectif"
            )


def test_suggestions_follow_freins_then_interests(grigny):
    with in_city(grigny):
        bike = make_advisor()
        cv = make_advisor(display_name="Marc", topics=["trouver-un-emploi--cv"], freins=[])
        make_advisor(display_name="Nobody", topics=["sport"], freins=[])
        picks = advisor_suggestions(interests=["trouver-un-emploi--cv"], freins=["mobilite"])
        assert picks == [bike, cv]


def test_two_people_booking_the_same_slot_at_the_same_instant(committed, django_db_blocker):
    """Real concurrency: two threads, two database connections, one slot."""
    from tenants.models import City

    grigny = City.objects.get(slug="grigny")
    with in_city(grigny):
        slot = make_slot(make_advisor(display_name="Concurrence", kind="advisor"))
        people = [youth(grigny, f"racer{i}@grigny.test") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(user: User) -> None:
        with django_db_blocker.unblock():
            try:
                with in_city(grigny):
                    barrier.wait()
                    services.booking_create(slot_id=slot.id, user=user)
                outcomes.append("booked")
            except Conflict:
                outcomes.append("conflict")
            finally:
                connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["booked", "conflict"]
        with in_city(grigny):
            assert Booking.objects.filter(slot=slot, canceled_at=None).count() == 1
    finally:
        with in_city(grigny):
            Advisor.objects.filter(pk=slot.advisor_id).delete()
            User.objects.filter(pk__in=[p.pk for p in people]).delete()


# API and pages


def test_api_lists_and_books(api_for, grigny, slot):
    lina = youth(grigny)
    listing = api_for(grigny).get("/api/v1/advisors/?kind=mentor").json()
    assert listing["count"] == 1 and listing["results"][0]["display_name"] == "Samia"
    detail = api_for(grigny).get(f"/api/v1/advisors/{slot.advisor_id}/").json()
    assert [s["id"] for s in detail["slots"]] == [slot.id]
    assert api_for(grigny).post(f"/api/v1/advisors/slots/{slot.id}/book/").status_code == 401
    with in_city(grigny):
        token = token_create(user=lina)
    booked = api_for(grigny, token).post(
        f"/api/v1/advisors/slots/{slot.id}/book/", {}, format="json"
    )
    assert booked.status_code == 201
    again = api_for(grigny, token).post(
        f"/api/v1/advisors/slots/{slot.id}/book/", {}, format="json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "slot_taken"
    mine = api_for(grigny, token).get("/api/v1/me/bookings/").json()
    assert mine["count"] == 1
    cancel = api_for(grigny, token).post(f"/api/v1/me/bookings/{mine['results'][0]['id']}/cancel/")
    assert cancel.status_code == 200 and cancel.json()["canceled_at"]


def test_bad_filters_are_400(api_for, grigny):
    response = api_for(grigny).get("/api/v1/advisors/?kind=astronaut")
    assert response.status_code == 400 and "kind" in response.json()["error"]["fields"]


def test_only_admins_and_editors_register_advisors(api_for, make_user, grigny):
    body = {"kind": "advisor", "display_name": "Awa", "organisation": "Mission locale",
            "bio": "Conseillère emploi.", "formats": ["individuel"]}  # fmt: skip
    for role, expected in ((Role.YOUTH, 403), (Role.VIEWER, 403), (Role.EDITOR, 201)):
        user = make_user(grigny, f"{role}@grigny.test", role)
        with in_city(grigny):
            token = token_create(user=user)
        response = api_for(grigny, token).post("/api/v1/staff/advisors/", body, format="json")
        assert response.status_code == expected, role


def test_another_city_cannot_see_or_book(api_for, client_for, grigny, gennevilliers, slot):
    assert api_for(gennevilliers).get("/api/v1/advisors/").json()["count"] == 0
    assert api_for(gennevilliers).get(f"/api/v1/advisors/{slot.advisor_id}/").status_code == 404
    assert client_for(gennevilliers).get(f"/accompagnement/{slot.advisor_id}/").status_code == 404
    rayan = youth(gennevilliers, "rayan@gennevilliers.test")
    with in_city(gennevilliers):
        token = token_create(user=rayan)
    response = api_for(gennevilliers, token).post(f"/api/v1/advisors/slots/{slot.id}/book/")
    assert response.status_code == 404
    with in_city(grigny):
        assert not Booking.objects.exists()


def test_booking_through_the_pages(client_for, grigny, slot):
    youth(grigny)
    client = client_for(grigny)
    client.post(
        "/connexion/", {"username": "lina@grigny.test", "password": "un mot de passe solide"}
    )
    page = client.get(f"/accompagnement/{slot.advisor_id}/").content.decode()
    assert "Réserver ce créneau" in page
    done = client.post(f"/accompagnement/creneaux/{slot.id}/reserver/", follow=True)
    assert "Samia" in done.content.decode() and "réservé" in done.content.decode()
    again = client.post(f"/accompagnement/creneaux/{slot.id}/reserver/", follow=True)
    assert "être réservé par quelqu" in again.content.decode()  # friendly message, no error page


def test_unsubscribe_link(client_for, grigny):
    lina = youth(grigny)
    with in_city(grigny):
        row = services.notification_settings_for(user=lina)
        row.weekly_digest = True
        row.save()
    client = client_for(grigny)
    assert (
        "Me désabonner" in client.get(f"/desabonnement/{row.unsubscribe_token}/").content.decode()
    )
    client.post(f"/desabonnement/{row.unsubscribe_token}/")
    row.refresh_from_db()
    assert row.weekly_digest is False
    assert client.post("/desabonnement/nope/").status_code == 404


def test_mentors_are_hidden_where_the_feature_is_off(api_for, grigny, slot):
    from tenants.features import feature_enable

    assert api_for(grigny).get("/api/v1/advisors/").json()["count"] == 1
    feature_enable(city=grigny, key="mentors", enabled=False, by="test")
    assert api_for(grigny).get("/api/v1/advisors/").json()["count"] == 0
    assert api_for(grigny).get(f"/api/v1/advisors/{slot.advisor_id}/").status_code == 404
    lina = youth(grigny)
    with in_city(grigny), pytest.raises(NotFound):
        services.booking_create(slot_id=slot.id, user=lina)


def test_the_pages_show_no_mentors_link_where_the_feature_is_off(client_for, grigny):
    from tenants.features import feature_enable

    phone = client_for(grigny)
    assert "?type=mentor" in phone.get("/accompagnement/").content.decode()
    assert "conseillers et mentors" in phone.get("/").content.decode()
    feature_enable(city=grigny, key="mentors", enabled=False, by="test")
    listing = phone.get("/accompagnement/").content.decode()
    assert "?type=mentor" not in listing and "Mentors" not in listing
    assert phone.get("/accompagnement/?type=mentor").status_code == 200
    home = phone.get("/").content.decode()  # the cached home page moves with the flag
    assert "mentors" not in home.lower() and "Parler à quelqu'un : conseillers" in home


def test_a_group_slot_i_booked_says_so_and_offers_to_cancel(client_for, grigny):
    with in_city(grigny):
        advisor = make_advisor(kind="advisor", formats=["collectif"])
        start = timezone.now() + SOON
        group = services.slot_create(
            advisor=advisor, starts_at=start, ends_at=start + timedelta(hours=2),
            format="collectif", capacity=6, place="Salle du PIJ",
        )  # fmt: skip
    youth(grigny)
    client = client_for(grigny)
    client.post(
        "/connexion/", {"username": "lina@grigny.test", "password": "un mot de passe solide"}
    )
    url = f"/accompagnement/{advisor.pk}/"
    assert "Réserver ce créneau" in client.get(url).content.decode()
    client.post(f"/accompagnement/creneaux/{group.id}/reserver/")
    page = client.get(url).content.decode()
    assert "Tu es inscrit·e" in page and "Réserver ce créneau" not in page
    assert "5 places restantes" in page
    with in_city(grigny):
        booking = group.bookings.get()
    assert f'action="/mes-rendez-vous/{booking.pk}/annuler/"' in page
    client.post(f"/mes-rendez-vous/{booking.pk}/annuler/")
    assert "Réserver ce créneau" in client.get(url).content.decode()
    # Someone else still sees « Réserver ».
    assert "Tu es inscrit·e" not in client_for(grigny).get(url).content.decode()
