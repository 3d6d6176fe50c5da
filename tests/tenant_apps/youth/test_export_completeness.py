"""The data export holds everything a city keeps about a person, and the erasure leaves
nothing pointing at them: checked against every table of the city schema that references the
user model, found by walking the models (a new table about people fails here until it is
exported and erased)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from shared_apps.accounts.models import Invitation, Role, User
from shared_apps.accounts.services import token_create, user_create
from tenant_apps.catalogue.models import PartnerMembership
from tenant_apps.matching import services as matching
from tenant_apps.matching.models import PushSubscription
from tenant_apps.meetups import services as meetups
from tenant_apps.portal import services as portal
from tenant_apps.voice import services as voice
from tenant_apps.youth import exports
from tenant_apps.youth.selectors import user_data_export
from tenant_apps.youth.services import account_delete, consent_give
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer, make_structure

from .factories import PASSWORD, make_youth


def user_links() -> list[tuple[str, str]]:
    """(``app_label.Model``, field) for every foreign key or one-to-one to the user model of
    the models a city schema holds."""
    user_model = get_user_model()
    city_apps = set(settings.TENANT_APPS)
    links = []
    for model in apps.get_models():
        if model._meta.app_config.name not in city_apps:
            continue
        for field in model._meta.get_fields():
            direct = getattr(field, "concrete", False) and (field.many_to_one or field.one_to_one)
            if direct and field.related_model is user_model:
                links.append((model._meta.label, field.name))
    return sorted(links)


def test_the_walk_finds_the_tables_we_know_of():
    tables = {label for label, _field in user_links()}
    assert {"matching.Booking", "matching.InboxMessage", "matching.RightClaim",
            "matching.NotificationSettings", "portal.Registration", "portal.Save",
            "youth.Consent", "youth.YouthProfile"} <= tables  # fmt: skip


def test_every_table_about_a_person_is_exported_and_erased():
    exported = set().union(*exports.export_tables().values())
    erased = set().union(*exports.erasure_tables().values())
    tables = {label for label, _field in user_links()}
    assert tables - exported == set(), "tables missing from the data export"
    assert tables - erased == set(), "tables no erasure hook removes or unlinks"


@pytest.fixture
def people(grigny, make_user):
    """Lina, a young person who did everything there is to do, Awa, an advisor with an account,
    and Paul, a partner: between them, a row in every table that references the user."""
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    with in_city(grigny):
        lina = make_youth("lina@grigny.test", display_name="Lina")
        consent_give(user=lina, kind="newsletter")
        token_create(user=lina)
        Invitation.objects.create(
            user=lina, secret_digest="0" * 64, expires_at=timezone.now() + timedelta(days=7)
        )
        awa = user_create(email="awa@grigny.test", role=Role.ADVISOR, password=PASSWORD)
        advisor = matching.advisor_create(
            kind="advisor", display_name="Awa", organisation="Mission locale",
            bio="Je t'aide.", formats=["individuel"],
        )  # fmt: skip
        advisor = matching.advisor_link_account(advisor=advisor, user=awa, by=admin)
        start = timezone.now() + timedelta(days=3)
        slot = matching.slot_create(
            advisor=advisor, starts_at=start, ends_at=start + timedelta(hours=1),
            format="individuel", place="Point jeunes", by=awa,
        )  # fmt: skip
        aid = make_offer(kind="aide", title="Aide au permis")
        event = make_offer(kind="evenement", title="Atelier CV", capacity=5)
        matching.booking_create(
            slot_id=slot.pk, user=lina, message="Mes mots à moi", about_offer_id=aid.pk
        )
        matching.right_claim(user=lina, offer_id=aid.pk)
        matching.notification_settings_update(user=lina, digest="weekly", email=False)
        poll = voice.poll_save(
            by=admin, fields={"title": "Ton avis"},
            questions=[{"label": "Un mot ?", "kind": "text"}],
        )  # fmt: skip
        voice.poll_set_status(poll=poll, by=admin, status="open")
        voice.poll_answer(
            poll_id=poll.pk, user=lina, answers={str(poll.questions.get().pk): "Mes mots"}
        )
        idea = voice.idea_propose(user=lina, kind="idea", title="Un skatepark", body="Au parc.")
        voice.idea_review(idea=idea, by=admin, status="published")
        voice.idea_support(user=lina, idea_id=idea.pk)
        PushSubscription.objects.create(
            user=lina, endpoint="https://fcm.googleapis.com/fcm/send/lina", p256dh="k", auth="a"
        )
        portal.save_add(user=lina, offer_id=aid.pk)
        portal.registration_create(user=lina, offer_id=event.pk)
        paul = user_create(email="paul@grigny.test", role=Role.PARTNER, password=PASSWORD)
        structure = make_structure(name="Club de foot")
        PartnerMembership.objects.create(user=paul, structure=structure)
        make_offer(kind="evenement", title="Tournoi", created_by=paul, status="draft")
        meeting = meetups.speed_meeting_save(
            by=admin, offer_id=event.pk,
            values={"rounds": 2, "round_minutes": 10, "break_minutes": 2, "choices_max": 1},
        )  # fmt: skip
        pro = meetups.pro_add(
            by=admin, meeting_id=meeting.pk, user_id=paul.pk, fields={"job_title": "Coach"}
        )
        meetups.choices_set(user=lina, meeting_id=meeting.pk, pro_ids=[pro.pk])
        meetups.schedule_build(by=admin, meeting_id=meeting.pk)
        for device in exports.installed_models(exports.TWO_FACTOR_DEVICES):
            device.objects.create(user=paul, name="Téléphone de Paul")
    return lina, awa, paul


def _rows_about(user) -> dict[str, int]:
    counts = {}
    for label, field in user_links():
        model = apps.get_model(label)
        counts[label] = model.objects.filter(**{f"{field}_id": user.pk}).count()
    return counts


def test_the_export_holds_a_section_for_every_table_with_rows_about_the_person(grigny, people):
    lina = people[0]
    covering = exports.export_tables()
    with in_city(grigny):
        for person in people:
            export = user_data_export(user=person)
            json.dumps(export)  # JSON-ready
            for label, count in _rows_about(person).items():
                if not count:
                    continue
                sections = [name for name, tables in covering.items() if label in tables]
                assert any(export[name] for name in sections), (person.email, label)
        export = user_data_export(user=lina)
        reached = {label for person in people for label, n in _rows_about(person).items() if n}
    assert reached == {label for label, _field in user_links()}  # the fixture fills them all
    [booking] = export["bookings"]
    assert booking["message"] == "Mes mots à moi" and booking["place"] == "Point jeunes"
    assert booking["about_offer"]["title"] == "Aide au permis"
    assert [m["title"] for m in export["inbox"]] == ["Rendez-vous confirmé avec Awa"]
    assert len(export["right_claims"]) == 1
    assert [r["event"] for r in export["registrations"]] == ["Atelier CV"]
    assert len(export["saves"]) == 1
    assert [c["kind"] for c in export["consents"]] == ["terms", "newsletter"]
    assert export["notification_settings"] == {
        "digest": "weekly", "email": False, "push": False, "last_digest_at": None,
    }  # fmt: skip
    assert len(export["account"]["api_tokens"]) == 1 and len(export["account"]["invitations"]) == 1
    assert export["advisor"] is None
    text = json.dumps(export)
    assert "awa@grigny.test" not in text


def test_the_export_over_the_api_is_the_same(api_for, grigny, people):
    with in_city(grigny):
        token = token_create(user=people[0])
    data = api_for(grigny, token).get("/api/v1/me/export/").json()
    assert data["bookings"][0]["message"] == "Mes mots à moi"
    assert data["inbox"] and data["right_claims"] and data["notification_settings"]


def test_erasure_leaves_no_row_pointing_at_the_person(grigny, people):
    lina, *staff = people
    with in_city(grigny):
        account_delete(user=lina)
        # Staff accounts are removed by the city's admin; the same hooks run for them.
        for person in staff:
            for hook in exports.erasure_hooks().values():
                hook(person)
        for person in people:
            assert {label: n for label, n in _rows_about(person).items() if n} == {}
        assert not User.objects.filter(pk=lina.pk).exists()
