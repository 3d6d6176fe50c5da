"""Recording events without personal data, draining them, erasure and the 13-month purge."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.utils import timezone

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.analytics import recording, rollups
from tenant_apps.analytics.models import Event, Identity
from tenant_apps.catalogue.services import offer_refresh_search
from tenant_apps.youth.models import Neighbourhood
from tenant_apps.youth.services import account_delete, profile_update
from tenants.context import in_city

from ..catalogue.factories import make_offer
from ..youth.factories import make_youth
from .conftest import buffered


def _youth_with_profile(city, email="lina@exemple.fr"):
    with in_city(city):
        user = make_youth(email, birth_date=date(2005, 1, 2))
        nb = Neighbourhood.objects.filter(is_qpv=True).first()
        profile_update(
            user=user,
            data={
                "situation": "demandeur_emploi",
                "neighbourhood": nb.code,
                "freins": ["mobilite", "argent"],
                "interests": ["sport"],
            },
        )
        return user, nb


def test_a_view_is_buffered_then_drained_with_a_pseudonym_and_a_snapshot(
    grigny, client_for, api_for
):
    user, nb = _youth_with_profile(grigny)
    with in_city(grigny):
        offer = make_offer(kind="emploi", themes=["trouver-un-emploi"])
    with in_city(grigny):
        token = token_create(user=user)
    assert api_for(grigny, token).get(f"/api/v1/offers/{offer.pk}/").status_code == 200
    lines = buffered(grigny)
    assert len(lines) == 1
    assert json.loads(lines[0])["k"] == "view"
    with in_city(grigny):
        assert recording.drain() == 1
        event = Event.objects.get()
    assert buffered(grigny) == []
    assert event.kind == "view" and event.offer_id == offer.pk and event.offer_kind == "emploi"
    assert event.themes == ["trouver-un-emploi"]
    assert event.age_band == "21-25" or event.age_band == "18-20"
    assert (event.situation, event.neighbourhood, event.is_qpv) == (
        "demandeur_emploi",
        nb.code,
        True,
    )
    assert sorted(event.freins) == ["argent", "mobilite"] and event.interests == ["sport"]
    assert len(event.pseudonym) == 32
    stored = json.dumps([str(getattr(event, f.attname)) for f in Event._meta.fields])
    assert event.pseudonym != str(user.pk) and user.email not in stored


def test_searches_are_normalised_with_their_result_count(grigny, client_for):
    with in_city(grigny):
        offer = make_offer(kind="emploi", title="Job d'été à la piscine")
        offer_refresh_search(offer)
        offer.save()
    client = client_for(grigny)
    client.get("/offres/", {"q": "  Été  "})  # no session yet
    with in_city(grigny):  # an anonymous visitor with a session (e.g. after « mes droits »)
        session = client.session
        session["x"] = 1
        session.save()
    client.cookies["sessionid"] = session.session_key
    client.get("/offres/", {"q": "Introuvable lea@exemple.fr 0612345678"})
    with in_city(grigny):
        recording.drain()
        searches = list(Event.objects.order_by("id").values("query", "results", "pseudonym"))
    assert searches[0] == {"query": "ete", "results": 1, "pseudonym": ""}
    assert searches[1]["query"] == "introuvable" and searches[1]["results"] == 0
    assert len(searches[1]["pseudonym"]) == 32  # an HMAC of the session key


def test_staff_browsing_is_not_measured(grigny, signed_in):
    with in_city(grigny):
        offer = make_offer()
    client = signed_in(grigny, Role.EDITOR)
    assert client.get(f"/offres/{offer.pk}/").status_code == 200
    assert buffered(grigny) == []


def test_recording_switched_off_records_nothing(grigny, client_for, settings):
    settings.TREMPLIN_ANALYTICS_ENABLED = False
    with in_city(grigny):
        offer = make_offer()
    client_for(grigny).get(f"/offres/{offer.pk}/")
    assert buffered(grigny) == []


def test_apply_link_counts_the_click_then_redirects(grigny, client_for):
    with in_city(grigny):
        offer = make_offer(kind="emploi", apply_url="https://emploi.exemple.fr/candidater")
        no_link = make_offer(kind="emploi")
    client = client_for(grigny)
    page = client.get(f"/offres/{offer.pk}/").content.decode()
    assert f"/offres/{offer.pk}/postuler/" in page
    response = client.get(f"/offres/{offer.pk}/postuler/")
    assert response.status_code == 302
    assert response["Location"] == "https://emploi.exemple.fr/candidater"
    assert client.get(f"/offres/{no_link.pk}/postuler/").status_code == 404
    kinds = [json.loads(line)["k"] for line in buffered(grigny)]
    assert kinds == ["view", "apply"]


def test_rights_shown_and_claimed_are_recorded(grigny, api_for):
    user, _nb = _youth_with_profile(grigny)
    with in_city(grigny):
        aid = make_offer(kind="aide", title="Aide au permis")
    with in_city(grigny):
        token = token_create(user=user)
    client = api_for(grigny, token)
    assert client.get("/api/v1/me/rights/").status_code == 200
    assert client.post(f"/api/v1/me/rights/{aid.pk}/claim/").status_code == 201
    events = [json.loads(line) for line in buffered(grigny)]
    assert ("right_shown", str(aid.pk)) in [(e["k"], e.get("o")) for e in events]
    assert ("claim", str(aid.pk)) in [(e["k"], e.get("o")) for e in events]


def test_erasure_leaves_only_anonymous_aggregates(grigny, api_for):
    user, _nb = _youth_with_profile(grigny)
    with in_city(grigny):
        offer = make_offer()
    with in_city(grigny):
        token = token_create(user=user)
    api = api_for(grigny, token)
    api.get(f"/api/v1/offers/{offer.pk}/")
    with in_city(grigny):
        recording.drain()
        rollups.rollup_day(timezone.localdate())
        from tenant_apps.analytics.models import Rollup

        rollup_rows = Rollup.objects.count()
        assert Event.objects.count() == 1
        name = recording.user_pseudonyms([user.pk], create=False)[user.pk]
    assert api.get("/api/v1/me/export/").json()["analytics"] == {"events": {"view": 1}}
    api.get(f"/api/v1/offers/{offer.pk}/")  # still in the buffer when the account goes
    with in_city(grigny):
        account_delete(user=user)
        assert not Event.objects.filter(pseudonym=name).exists()
        assert not Identity.objects.filter(user_id=user.pk).exists()
        assert recording.drain() == 0  # the buffered event of the erased account is dropped
        assert Event.objects.count() == 0
        assert Rollup.objects.count() == rollup_rows  # aggregates are kept


def test_raw_events_older_than_13_months_are_purged(grigny):
    today = date(2026, 3, 15)
    old = timezone.make_aware(timezone.datetime(2025, 2, 10))
    recent = timezone.make_aware(timezone.datetime(2025, 2, 20))
    with in_city(grigny):
        Event.objects.create(at=old, kind="view")
        Event.objects.create(at=recent, kind="view")
        assert rollups.events_purge(today=today) == 1
        assert list(Event.objects.values_list("at", flat=True)) == [recent]
    assert rollups.retention_cutoff(date(2026, 1, 31)) == date(2024, 12, 28)
    assert rollups.retention_cutoff(today) - timedelta(days=1) < date(2025, 2, 15)


def test_one_city_never_drains_another(grigny, gennevilliers, client_for):
    with in_city(grigny):
        offer = make_offer()
    client_for(grigny).get(f"/offres/{offer.pk}/")
    with in_city(gennevilliers):
        assert recording.drain() == 0
        assert Event.objects.count() == 0
    with in_city(grigny):
        assert recording.drain() == 1
