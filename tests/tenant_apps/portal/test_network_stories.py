"""The inspirations network (issue 14, item 1): a city shares a story (with the young person's
consent recorded) to the network; other cities show it « d'ailleurs » with the city's name and
« moi aussi » links that work there; withdrawing removes it everywhere; nothing personal crosses
cities."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from kernel.errors import ValidationFailed

from shared_apps.accounts.models import Role
from shared_apps.national.models import NationalOffer
from shared_apps.network.models import NetworkStory
from tenant_apps.portal import services
from tenant_apps.portal.models import Inspiration
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer


@pytest.fixture
def story(grigny, make_user):
    editor = make_user(grigny, "editeur@grigny.test", Role.EDITOR)
    national = NationalOffer.objects.create(
        kind="aide",
        title="Aide au permis nationale",
        status="published",
        scope="national",
        published_at=timezone.now() - timedelta(days=3),
    )
    with in_city(grigny):
        local = make_offer(kind="formation", title="Atelier code de la route", themes=["mobilite"])
        story = services.inspiration_create(
            by=editor,
            title="Inès a eu son permis",
            person="Inès",
            age=19,
            place="Grigny",
            summary="Avec l'aide au permis, elle a réussi du premier coup.",
            body="Elle raconte.",
            offer_ids=[str(national.pk), str(local.pk)],
        )
        services.inspiration_publish(by=editor, inspiration=story)
    return {"story": story, "editor": editor, "national": national, "local": local}


def test_sharing_needs_the_young_persons_consent(grigny, story):
    with in_city(grigny), pytest.raises(ValidationFailed):
        services.inspiration_share(by=story["editor"], inspiration=story["story"])
    assert not NetworkStory.objects.exists()


def test_a_shared_story_is_read_elsewhere_and_withdrawn_everywhere(
    client_for, api_for, grigny, noisy, story
):
    editor, inspiration = story["editor"], story["story"]
    with in_city(grigny):
        services.inspiration_consent_record(by=editor, inspiration=inspiration, given=True)
        services.inspiration_share(by=editor, inspiration=inspiration)
    copy = NetworkStory.objects.get()
    # Nothing personal beyond the story itself: no staff e-mail, no consent record.
    assert "editeur@grigny.test" not in str(
        {f.name: getattr(copy, f.name) for f in NetworkStory._meta.fields}
    )
    page = client_for(noisy).get("/inspirations/").content.decode()
    assert "Inès a eu son permis" in page and "Grigny" in page
    detail = client_for(noisy).get(f"/inspirations/ailleurs/{copy.pk}/").content.decode()
    assert "Aide au permis nationale" in detail  # the national offer is visible in Noisy too
    assert "Des offres comme « Atelier code de la route » près de chez toi" in detail
    body = api_for(noisy).get("/api/v1/stories/", {"scope": "network"}).json()
    (item,) = body["results"]
    assert item["city"] == "Grigny" and item["title"] == "Inès a eu son permis"
    assert {o["title"] for o in item["offers"]} == {
        "Aide au permis nationale",
        "Atelier code de la route",
    }
    # Grigny reads its own story « d'ici », not « d'ailleurs ».
    assert api_for(grigny).get("/api/v1/stories/", {"scope": "network"}).json()["count"] == 0
    local = api_for(grigny).get("/api/v1/stories/").json()["results"]
    assert [s["title"] for s in local] == ["Inès a eu son permis"]
    assert len(local[0]["offers"]) == 2
    assert client_for(grigny).get(f"/inspirations/ailleurs/{copy.pk}/").status_code == 404

    with in_city(grigny):
        services.inspiration_share(by=editor, inspiration=inspiration, share=False)
    assert not NetworkStory.objects.exists()
    assert "Inès a eu son permis" not in client_for(noisy).get("/inspirations/").content.decode()
    assert client_for(noisy).get(f"/inspirations/ailleurs/{copy.pk}/").status_code == 404


def test_unpublishing_or_withdrawn_consent_removes_the_copy(grigny, noisy, api_for, story):
    editor, inspiration = story["editor"], story["story"]
    with in_city(grigny):
        services.inspiration_consent_record(by=editor, inspiration=inspiration, given=True)
        services.inspiration_share(by=editor, inspiration=inspiration)
        services.inspiration_consent_record(by=editor, inspiration=inspiration, given=False)
    assert not NetworkStory.objects.exists()
    with in_city(grigny):
        services.inspiration_consent_record(by=editor, inspiration=inspiration, given=True)
        services.inspiration_share(by=editor, inspiration=inspiration)
        services.inspiration_update(
            by=editor, inspiration=inspiration, title="Inès, 19 ans, permis"
        )
        assert NetworkStory.objects.get().title == "Inès, 19 ans, permis"
        services.inspiration_publish(by=editor, inspiration=inspiration, publish=False)
        assert not Inspiration.objects.get().shared
    assert not NetworkStory.objects.exists()
    assert api_for(noisy).get("/api/v1/stories/", {"scope": "network"}).json()["count"] == 0


def test_a_video_needs_its_text_and_the_scope_is_checked(grigny, api_for, story):
    with in_city(grigny), pytest.raises(ValidationFailed):
        services.inspiration_update(
            by=story["editor"],
            inspiration=story["story"],
            video_url="https://videos.example/ines.mp4",
        )
    bad = api_for(grigny).get("/api/v1/stories/", {"scope": "partout"})
    assert bad.status_code == 400 and bad.json()["error"]["fields"]


def test_the_staff_list_names_who_recorded_the_consent_never_by_email(
    client_for, grigny, make_user, story
):
    editor, inspiration = story["editor"], story["story"]
    with in_city(grigny):
        services.inspiration_consent_record(by=editor, inspiration=inspiration, given=True)
    staff = client_for(grigny)
    with in_city(grigny):
        staff.force_login(editor)
    page = staff.get("/staff/inspirations/").content.decode()
    assert "Accord enregistré le" in page and "un membre de l&#x27;équipe" in page
    assert "editeur@grigny.test" not in page
    with in_city(grigny):
        editor.display_name = "Nadia (service jeunesse)"
        editor.save(update_fields=["display_name"])
    page = staff.get("/staff/inspirations/").content.decode()
    assert "par Nadia (service jeunesse)" in page
    assert "editeur@grigny.test" not in page
