"""« Adopte un pro » (issue 14, item 4): staff set up speed meetings for an event, pros hold
tables, registered young people choose whom to meet, staff build and send the schedule, and
afterwards both sides can ask to meet again — the referent advisor is told. Another city sees
and touches nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from kernel.errors import Conflict, PermissionDenied, ValidationFailed

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.catalogue.models import Offer
from tenant_apps.matching.models import Advisor, InboxMessage
from tenant_apps.meetups import services
from tenant_apps.meetups.models import Choice, FollowUp, Pro, Rendezvous
from tenant_apps.portal.services import registration_create
from tenants.context import in_city
from tenants.features import feature_allow, feature_enable
from tests.tenant_apps.catalogue.factories import make_offer
from tests.tenant_apps.youth.factories import make_youth

SETTINGS = {"rounds": 3, "round_minutes": 10, "break_minutes": 2, "choices_max": 2}


def mentors(city, on=True):
    feature_allow(city=city, key="mentors", allowed=True, by="test")
    feature_enable(city=city, key="mentors", enabled=on, by="test")


@pytest.fixture
def setup(grigny, make_user):
    """Grigny: an event, an editor, two pros (a partner, an advisor who is also the
    referent), three registered young people."""
    mentors(grigny)
    editor = make_user(grigny, "editeur@grigny.test", Role.EDITOR)
    partner = make_user(grigny, "garage@grigny.test", Role.PARTNER)
    coach = make_user(grigny, "coach@grigny.test", Role.ADVISOR)
    with in_city(grigny):
        partner.display_name = "Nadia"
        partner.save()
        referent = Advisor.objects.create(
            kind="mentor", display_name="Moussa", organisation="Mission locale",
            job_title="Conseiller emploi", bio="Je t'aide.", user=coach,
        )  # fmt: skip
        event = make_offer(
            kind="evenement", title="Adopte un pro au forum", capacity=10,
            starts_at=timezone.now() + timedelta(days=2), address="Salle des fêtes",
        )  # fmt: skip
        meeting = services.speed_meeting_save(
            by=editor, offer_id=event.pk, values=SETTINGS, referent_id=referent.pk
        )
        mechanic = services.pro_add(
            by=editor, meeting_id=meeting.pk, user_id=partner.pk,
            fields={"job_title": "Mécanicienne", "table": "Table 1"},
        )  # fmt: skip
        adviser = services.pro_add(by=editor, meeting_id=meeting.pk, user_id=coach.pk, fields={})
        youths = [make_youth(f"j{i}@grigny.test", display_name=f"J{i}") for i in range(3)]
        for person in youths:
            registration_create(user=person, offer_id=event.pk)
    return dict(
        editor=editor, partner=partner, coach=coach, event=event, meeting=meeting,
        mechanic=mechanic, adviser=adviser, youths=youths,
    )  # fmt: skip


def signed_in(client_for, city, user):
    client = client_for(city)
    with in_city(city):
        client.force_login(user)
    return client


def test_a_pro_card_comes_from_the_account(grigny, setup):
    with in_city(grigny):
        adviser = Pro.objects.get(pk=setup["adviser"].pk)
    assert (adviser.display_name, adviser.job_title) == ("Moussa", "Conseiller emploi")
    assert adviser.organisation == "Mission locale"


def test_the_whole_journey(grigny, setup, client_for, api_for, django_capture_on_commit_callbacks):
    s = setup
    j0, j1, j2 = s["youths"]
    mechanic, adviser, meeting = s["mechanic"], s["adviser"], s["meeting"]
    # The event's page invites to choose; the young person's page lists the pros.
    page = signed_in(client_for, grigny, j0)
    assert (
        "Voir les pros et choisir qui rencontrer"
        in page.get(f"/offres/{s['event'].pk}/").content.decode()
    )
    body = page.get(f"/adopte-un-pro/{meeting.pk}/").content.decode()
    assert "Mécanicienne" in body and "1er choix" in body and "2e choix" in body
    # j0 chooses on the page, j1 and j2 through the API; everyone wants the mechanic first.
    answer = page.post(
        f"/adopte-un-pro/{meeting.pk}/",
        {"choice_1": mechanic.pk, "choice_2": adviser.pk},
    )
    assert answer.status_code == 302
    for person in (j1, j2):
        with in_city(grigny):
            token = token_create(user=person)
        api = api_for(grigny, token)
        got = api.put(
            f"/api/v1/speed-meetings/{meeting.pk}/choices/",
            {"pros": [mechanic.pk, adviser.pk]},
            format="json",
        )
        assert got.status_code == 200, got.content
        assert got.json()["me"]["choices"] == [mechanic.pk, adviser.pk]
    with in_city(grigny):
        assert Choice.objects.filter(meeting=meeting).count() == 6
        placed, unplaced = services.schedule_build(by=s["editor"], meeting_id=meeting.pk)
        assert (placed, unplaced) == (6, 0)  # 3 rounds: everyone meets both pros
        rounds = {
            (r.user_id, r.pro_id): r.round for r in Rendezvous.objects.filter(meeting=meeting)
        }
        assert sorted(rounds[(p.pk, mechanic.pk)] for p in (j0, j1, j2)) == [1, 2, 3]
        assert not InboxMessage.objects.filter(user=j0).exists()  # nobody told before sending
        with django_capture_on_commit_callbacks(execute=True):
            told = services.schedule_send(by=s["editor"], meeting_id=meeting.pk)
            assert services.schedule_send(by=s["editor"], meeting_id=meeting.pk) == 0
        assert told == 5  # three young people, two pros
        (message,) = InboxMessage.objects.filter(user=j0)
        assert "Ton planning" in message.title and "Mécanicienne" in message.body
    pro_mail = next(m for m in mail.outbox if "garage@grigny.test" in m.to)
    assert "J0" in pro_mail.body and "j0@grigny.test" not in pro_mail.body  # a pseudonym only
    # Choices are closed now.
    closed = api.put(
        f"/api/v1/speed-meetings/{meeting.pk}/choices/", {"pros": [adviser.pk]}, format="json"
    )
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "choices_closed"
    # Asking to meet again before the rendezvous: refused, clearly.
    with in_city(grigny):
        first = Rendezvous.objects.get(meeting=meeting, user=j0, pro=mechanic)
        with pytest.raises(ValidationFailed):
            services.follow_up_request(by=j0, rendezvous_id=first.pk)
        Offer.objects.filter(pk=s["event"].pk).update(
            starts_at=timezone.now() - timedelta(hours=1), ends_at=None
        )
    mail.outbox.clear()
    # After it: the young person asks (twice: a double click), then the pro.
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert page.post(f"/adopte-un-pro/{meeting.pk}/revoir/{first.pk}/").status_code == 302
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == ["coach@grigny.test", "garage@grigny.test"]  # referent + the pro
    mail.outbox.clear()
    staff_page = signed_in(client_for, grigny, s["partner"])
    schedule = staff_page.get(f"/staff/adopte-un-pro/{meeting.pk}/").content.decode()
    assert "Ta table" in schedule and "Moi aussi, je souhaite le ou la revoir" in schedule
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            staff_page.post(f"/staff/adopte-un-pro/{meeting.pk}/revoir/{first.pk}/").status_code
            == 302
        )
    with in_city(grigny):
        assert FollowUp.objects.filter(rendezvous=first).count() == 2
        told = InboxMessage.objects.filter(user=j0, title__contains="aimerait te revoir").get()
        assert "Tu le souhaitais aussi" in told.body
    referent_mail = next(m for m in mail.outbox if "coach@grigny.test" in m.to)
    assert "Les deux le souhaitent" in referent_mail.body
    # The editor's page lists the mutual wish first.
    editor_page = signed_in(client_for, grigny, s["editor"]).get(
        f"/staff/adopte-un-pro/{meeting.pk}/"
    )
    assert "les deux le souhaitent" in editor_page.content.decode()


def test_only_registered_young_people_choose(grigny, setup, api_for):
    with in_city(grigny):
        outsider = make_youth("pas-inscrit@grigny.test")
        token = token_create(user=outsider)
    got = api_for(grigny, token).put(
        f"/api/v1/speed-meetings/{setup['meeting'].pk}/choices/",
        {"pros": [setup["mechanic"].pk]},
        format="json",
    )
    assert got.status_code == 400 and got.json()["error"]["code"] == "not_registered"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"pros": ["abc"]}, "pros"),
        ({"pros": "1"}, "pros"),
        ({}, "pros"),
        ([1, 2], "pros"),
    ],
)
def test_garbage_choices_get_a_clear_error(grigny, setup, api_for, payload, field):
    with in_city(grigny):
        token = token_create(user=setup["youths"][0])
    got = api_for(grigny, token).put(
        f"/api/v1/speed-meetings/{setup['meeting'].pk}/choices/", payload, format="json"
    )
    assert got.status_code == 400
    assert field in got.json()["error"]["fields"]


def test_wrong_choices_are_refused(grigny, setup):
    s = setup
    with in_city(grigny):
        other = make_offer(kind="evenement", title="Autre", starts_at=timezone.now() + timedelta(5))
        elsewhere = services.speed_meeting_save(by=s["editor"], offer_id=other.pk, values=SETTINGS)
        stranger = services.pro_add(
            by=s["editor"], meeting_id=elsewhere.pk, user_id=s["partner"].pk,
            fields={"job_title": "Garagiste"},
        )  # fmt: skip
        j0, meeting = s["youths"][0], s["meeting"]
        for pros in (
            [s["mechanic"].pk, s["mechanic"].pk],  # twice
            [s["mechanic"].pk, s["adviser"].pk, stranger.pk],  # too many
            [stranger.pk],  # another meeting's pro
        ):
            with pytest.raises(ValidationFailed):
                services.choices_set(user=j0, meeting_id=meeting.pk, pro_ids=pros)
        assert not Choice.objects.filter(user=j0).exists()


def test_roles(grigny, setup, make_user, client_for):
    s = setup
    viewer = make_user(grigny, "elu@grigny.test", Role.VIEWER)
    lonely = make_user(grigny, "autre-partenaire@grigny.test", Role.PARTNER)
    with in_city(grigny):
        for who in (viewer, lonely, s["partner"]):
            with pytest.raises(PermissionDenied):
                services.schedule_build(by=who, meeting_id=s["meeting"].pk)
    url = f"/staff/adopte-un-pro/{s['meeting'].pk}/"
    assert signed_in(client_for, grigny, viewer).get(url).status_code == 200
    assert signed_in(client_for, grigny, lonely).get(url).status_code == 404
    listed = signed_in(client_for, grigny, lonely).get("/staff/adopte-un-pro/").content.decode()
    assert "Tu ne tiens aucune table" in listed
    action = signed_in(client_for, grigny, s["partner"]).post(f"{url}action/", {"action": "build"})
    assert action.status_code == 403


def test_staff_pages_set_it_up_and_survive_garbage(grigny, setup, client_for):
    s = setup
    client = signed_in(client_for, grigny, s["editor"])
    with in_city(grigny):
        fresh = make_offer(kind="evenement", title="Forum des métiers",
                           starts_at=timezone.now() + timedelta(days=9))  # fmt: skip
    listing = client.get("/staff/adopte-un-pro/").content.decode()
    assert "Forum des métiers" in listing and "Adopte un pro au forum" in listing
    for garbage in ("", "pas-un-uuid", "00000000-0000-0000-0000-000000000000"):
        refused = client.post("/staff/adopte-un-pro/", {"offer": garbage}, follow=True)
        text = refused.content.decode()
        assert refused.status_code == 200
        assert "Choisis un événement" in text or "existe pas dans ta ville" in text
    created = client.post("/staff/adopte-un-pro/", {"offer": str(fresh.pk)})
    assert created.status_code == 302
    url = f"/staff/adopte-un-pro/{s['meeting'].pk}/action/"
    bad = client.post(url, {"action": "settings", "rounds": "9999", "round_minutes": "x"},
                      follow=True)  # fmt: skip
    assert bad.status_code == 200 and "Vérifie les réglages" in bad.content.decode()
    with in_city(grigny):
        Offer.objects.filter(pk=s["event"].pk).update(
            ends_at=s["event"].starts_at + timedelta(hours=2)
        )
    too_long = client.post(
        url,
        {"action": "settings", "rounds": 20, "round_minutes": 60, "break_minutes": 30,
         "choices_max": 3},
        follow=True,
    )  # fmt: skip
    body = too_long.content.decode()
    assert "20 rencontres durent 1770 minutes" in body
    assert client.post(url, {"action": "pro_remove", "pro": "nope"}).status_code == 302
    assert client.post(url, {"action": "pro_add", "user": "nope"}).status_code == 302
    assert client.post(url, {"action": "??"}).status_code == 302
    built = client.post(url, {"action": "build"}, follow=True).content.decode()
    assert "Planning établi" in built


def test_another_city_sees_and_touches_nothing(
    grigny, gennevilliers, setup, make_user, client_for, api_for
):
    mentors(gennevilliers)
    pk = setup["meeting"].pk
    staff = make_user(gennevilliers, "editeur@gennevilliers.test", Role.EDITOR)
    with in_city(gennevilliers):
        young = make_youth("lina@gennevilliers.test")
        token = token_create(user=young)
    page = signed_in(client_for, gennevilliers, young)
    assert page.get(f"/adopte-un-pro/{pk}/").status_code == 404
    assert api_for(gennevilliers, token).get(f"/api/v1/speed-meetings/{pk}/").status_code == 404
    put = api_for(gennevilliers, token).put(
        f"/api/v1/speed-meetings/{pk}/choices/", {"pros": [setup["mechanic"].pk]}, format="json"
    )
    assert put.status_code == 404
    other_staff = signed_in(client_for, gennevilliers, staff)
    assert other_staff.get(f"/staff/adopte-un-pro/{pk}/").status_code == 404
    build = other_staff.post(f"/staff/adopte-un-pro/{pk}/action/", {"action": "build"})
    assert build.status_code == 404
    with in_city(grigny):
        assert Rendezvous.objects.count() == 0


def test_hidden_where_mentors_are_off(grigny, setup, client_for, api_for):
    mentors(grigny, on=False)
    pk = setup["meeting"].pk
    assert api_for(grigny).get(f"/api/v1/speed-meetings/{pk}/").status_code == 404
    editor = signed_in(client_for, grigny, setup["editor"])
    assert (
        "fonctionnalité <strong>Mentors</strong>"
        in editor.get("/staff/adopte-un-pro/").content.decode()
    )
    assert (
        "Voir les pros"
        not in client_for(grigny).get(f"/offres/{setup['event'].pk}/").content.decode()
    )


def test_anyone_reads_the_pros(grigny, setup, api_for):
    got = api_for(grigny).get(f"/api/v1/speed-meetings/{setup['meeting'].pk}/")
    assert got.status_code == 200
    data = got.json()
    assert data["me"] is None and data["choices_open"] and not data["schedule_sent"]
    assert {p["job_title"] for p in data["pros"]} == {"Mécanicienne", "Conseiller emploi"}
    assert "email" not in str(data)


def test_a_sent_schedule_keeps_its_times(grigny, setup):
    s = setup
    with in_city(grigny):
        services.schedule_build(by=s["editor"], meeting_id=s["meeting"].pk)
        services.schedule_send(by=s["editor"], meeting_id=s["meeting"].pk)
        with pytest.raises(Conflict):
            services.speed_meeting_save(
                by=s["editor"], offer_id=s["event"].pk, values={**SETTINGS, "rounds": 4}
            )
        with pytest.raises(Conflict):
            services.pro_remove(by=s["editor"], pro_id=s["mechanic"].pk)


def test_erasure_forgets_choices_and_leaves_rendezvous_anonymous(grigny, setup):
    s = setup
    j0 = s["youths"][0]
    with in_city(grigny):
        services.choices_set(user=j0, meeting_id=s["meeting"].pk, pro_ids=[s["mechanic"].pk])
        services.schedule_build(by=s["editor"], meeting_id=s["meeting"].pk)
        services.forget_user(user=j0)
        assert not Choice.objects.filter(user=j0).exists()
        assert Rendezvous.objects.filter(user__isnull=True).count() == 1
