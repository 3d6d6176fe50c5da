"""The demo seeding: each city in its own schema through the single-city door, a catalogue of
its own (in season, at real places of the commune), a year of synthetic activity behind a
diagnostic above the privacy threshold, and nothing twice when it runs again."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from django.utils import timezone
from kernel.clock import local_today
from tremplin import demo
from tremplin.demo import _seed_city, _seed_history, national_demo_seed

from shared_apps.accounts.models import User
from shared_apps.national.models import NationalImportRun, NationalOffer
from tenant_apps.analytics.models import Event, Figure
from tenant_apps.analytics.privacy import SUPPRESSED
from tenant_apps.analytics.selectors import default_filters, diagnostic
from tenant_apps.catalogue.demo import catalogue_demo_seed, in_season, template_of
from tenant_apps.catalogue.models import Offer, OfferKind, Structure
from tenant_apps.matching.models import Advisor, RightClaim
from tenant_apps.portal.models import Inspiration, Registration, Save
from tenants.context import in_city
from tenants.crosscity import run_in_city

# (south, north, west, east) around each demo commune, from the map: structures stand inside.
COMMUNE_BOXES = {
    "grigny": (48.635, 48.667, 2.360, 2.412),
    "gennevilliers": (48.912, 48.945, 2.265, 2.335),
    "noisy-le-sec": (48.875, 48.902, 2.440, 2.482),
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Portraits and illustrations are files: keep the test's out of ./var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_city_is_seeded_in_its_own_schema_and_idempotently(grigny, gennevilliers):
    run_in_city(grigny, _seed_city)
    run_in_city(grigny, _seed_city)  # again: nothing twice
    with in_city(grigny):
        emails = set(User.objects.values_list("email", flat=True))
        assert {"staff@grigny.demo", "jeune@grigny.demo"} <= emails
        assert User.objects.filter(email="jeune@grigny.demo").count() == 1
    with in_city(gennevilliers):
        assert not User.objects.filter(email__endswith=".demo").exists()
    assert not User.objects.filter(email__endswith=".demo").exists()  # nor in public


def test_each_city_gets_its_own_catalogue_in_season_at_real_places(grigny, gennevilliers, noisy):
    titles = {}
    now, month = timezone.now(), local_today().month
    for city in (grigny, gennevilliers, noisy):
        with in_city(city):
            report = catalogue_demo_seed(city)
            assert report.rejected == 0, report.rejections[:3]
            published = Offer.objects.filter(status="published", source="demo")
            for kind in OfferKind.values:
                assert published.filter(kind=kind).count() >= 20, kind
            titles[city.slug] = set(published.values_list("title", flat=True))
            assert len(titles[city.slug]) == published.count()  # no title twice in a city
            for offer in published:
                template = template_of(offer)
                if offer.kind in ("evenement", "formation"):
                    assert offer.starts_at > now and offer.ends_at > offer.starts_at
                    assert in_season(template, timezone.localtime(offer.starts_at).month), offer
                else:
                    assert in_season(template, month), offer
            points = list(Structure.objects.values_list("latitude", "longitude"))
            assert len(points) >= 8 and len(set(points)) == len(points)
            south, north, west, east = COMMUNE_BOXES[city.slug]
            assert all(south < lat < north and west < lon < east for lat, lon in points)
            assert {o.structure_id for o in published} <= set(
                Structure.objects.values_list("id", flat=True)
            )
    for one, other in combinations(titles.values(), 2):
        assert len(one & other) <= 0.1 * min(len(one), len(other))


def test_advisors_and_stories_differ_by_city_and_have_illustrations(grigny, gennevilliers):
    people = {}
    for city in (grigny, gennevilliers):
        run_in_city(city, _seed_city)
        with in_city(city):
            advisors = list(Advisor.objects.all())
            assert len(advisors) >= 4 and {a.kind for a in advisors} == {"advisor", "mentor"}
            assert all(a.photo and a.photo.name.endswith(".svg") for a in advisors)
            assert all("Illustration" in a.photo_caption and a.bio for a in advisors)
            assert all(city.name in a.organisation or "{" not in a.organisation for a in advisors)
            stories = Inspiration.objects.filter(status="published")
            assert stories.count() == 3 and all(s.photo for s in stories)
            svg = stories.first().photo.read().decode()
            assert svg.startswith("<svg") and "Illustration" in svg
            people[city.slug] = (
                {a.display_name for a in advisors},
                set(stories.values_list("title", flat=True)),
            )
    assert people["grigny"] != people["gennevilliers"]


def _counts() -> tuple[int, ...]:
    models = (User, Event, Registration, Save, RightClaim, Offer, Advisor, Inspiration)
    return tuple(model.objects.count() for model in models)


def test_a_year_of_history_gives_a_diagnostic_above_the_threshold(grigny):
    run_in_city(grigny, _seed_city)
    history = run_in_city(grigny, lambda city: _seed_history(city, nonrecours=False))
    assert history["young people"] >= 300 and history["events"] > 10_000
    with in_city(grigny):
        first_event = Event.objects.order_by("at").values_list("at", flat=True).first()
        assert (timezone.now() - first_event).days >= 330  # twelve months of it
        assert Figure.objects.filter(period="month").values("start").distinct().count() >= 12
        counts = _counts()
        data = diagnostic(filters=default_filters())
    sections = {s["id"]: s for s in data["sections"]}

    def figures(section):
        return {f["label"]: f["value"] for f in sections[section]["figures"]}

    def rows(section, table):
        found = next(t for t in sections[section]["tables"] if t["id"] == table)
        return [row["values"] for row in found["rows"]]

    registered = next(iter(figures("qui").values()))
    assert isinstance(registered, int) and registered >= 300
    assert all(isinstance(v[0], int) and v[0] >= 10 for v in rows("qui", "neighbourhood"))
    top_searches = rows("recherches", "searches")[:3]
    assert top_searches and all(isinstance(v[0], int) and v[0] >= 10 for v in top_searches)
    weekly = rows("engagement", "weekly")
    assert len(weekly) >= 8 and all(isinstance(v[0], int) and v[0] >= 10 for v in weekly)
    engagement = figures("engagement")
    assert all(isinstance(v, int) and v >= 10 for v in engagement.values()), engagement
    assert registered != SUPPRESSED

    # Again: the history is there, nothing is added; the content is upserted in place.
    assert run_in_city(grigny, _seed_history) == {}
    run_in_city(grigny, _seed_city)
    with in_city(grigny):
        assert _counts() == counts


def test_without_the_shared_corpus_the_project_fixture_is_loaded(monkeypatch, tmp_path, db):
    monkeypatch.setattr(demo, "SHARED_AIDES_JEUNES", tmp_path / "absent")
    line = national_demo_seed()
    assert "project fixture" in line and "rejeté" in line
    assert NationalOffer.objects.filter(source="aides-jeunes").count() >= 3


@pytest.mark.skipif(not demo.corpus_folders(), reason="../shared/data/aides-jeunes is absent")
def test_the_whole_corpus_is_queued_for_the_worker(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        line = national_demo_seed()
    runs = list(NationalImportRun.objects.filter(started_by="demo").order_by("id"))
    assert [Path(run.filename).name for run in runs] == [f.name for f in demo.corpus_folders()]
    assert len(callbacks) == len(runs) and "being imported" in line


@pytest.mark.skipif(not demo.corpus_folders(), reason="../shared/data/aides-jeunes is absent")
def test_a_restart_does_not_queue_an_imported_corpus_again(db, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from shared_apps.offers.models import ImportStatus
    from tests.tenant_apps.catalogue.factories import make_national

    national_demo_seed()  # the first start queues every folder
    with django_capture_on_commit_callbacks() as callbacks:
        line = national_demo_seed()  # a restart while those are queued: nothing more
    assert callbacks == [] and "already imported" in line

    make_national()
    NationalImportRun.objects.update(status=ImportStatus.DONE, finished_at=timezone.now())
    with django_capture_on_commit_callbacks() as callbacks:
        national_demo_seed()  # imported since the files last changed: nothing
    assert callbacks == []

    first = demo.corpus_folders()[0]
    NationalImportRun.objects.filter(filename=str(first)).update(
        finished_at=demo._newest_change(first) - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        national_demo_seed()  # a file changed after that import: that folder again
    runs = NationalImportRun.objects.filter(status=ImportStatus.PENDING)
    assert [run.filename for run in runs] == [str(first)] and len(callbacks) == 1


@pytest.mark.skipif(not demo.corpus_folders(), reason="../shared/data/aides-jeunes is absent")
def test_a_lost_or_emptied_import_is_queued_again(db, django_capture_on_commit_callbacks):
    from datetime import timedelta

    national_demo_seed()
    NationalImportRun.objects.update(created_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks() as callbacks:
        national_demo_seed()  # queued two hours ago and never run: lost with its queue
    assert len(callbacks) == len(demo.corpus_folders())


@pytest.mark.skipif(not demo.corpus_folders(), reason="../shared/data/aides-jeunes is absent")
def test_an_emptied_national_catalogue_is_imported_again(db, django_capture_on_commit_callbacks):
    from shared_apps.offers.models import ImportStatus

    national_demo_seed()
    NationalImportRun.objects.update(status=ImportStatus.DONE, finished_at=timezone.now())
    assert not NationalOffer.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:
        national_demo_seed()
    assert len(callbacks) == len(demo.corpus_folders())


def test_issue_14_needs_no_staff_work_on_a_fresh_demo(client_for, api_for, grigny, noisy):
    """A Noisy-le-Sec young person can walk issue 14's « done when » on the demo as seeded: a
    Grigny story shared « d'ailleurs » whose « Moi aussi » leads to local permis aids, the
    Mission locale's photo and panorama, room for « aide au permis », an open poll. Twice
    seeded, nothing twice; what staff took back is not put back."""
    import re
    from html import unescape

    from PIL import Image

    from shared_apps.network.models import NetworkStory
    from tenant_apps.catalogue.models import StructurePhoto
    from tenant_apps.portal.demo import PERMIS
    from tenant_apps.voice.demo import POLL_TITLE
    from tenant_apps.voice.models import Poll

    for city in (grigny, noisy, grigny, noisy):
        run_in_city(city, _seed_city)
    assert NetworkStory.objects.filter(city=grigny).count() == 1
    assert NetworkStory.objects.filter(city=noisy).count() == 1
    shared = NetworkStory.objects.get(city=grigny)
    assert shared.title == PERMIS["title"]
    assert [o["title"] for o in shared.offers] == ["Bourse au permis de conduire de Grigny"]
    assert "@" not in str(shared.offers) + shared.body  # nothing personal crosses
    assert shared.photo_url.startswith("http://grigny.")

    young = client_for(noisy)
    page = young.get("/inspirations/").content.decode()
    elsewhere = page[page.index("<h2>D'ailleurs</h2>") :]
    assert PERMIS["title"] in elsewhere
    story = unescape(young.get(f"/inspirations/ailleurs/{shared.pk}/").content.decode())
    me_too = re.search(r'href="(/offres/\?[^"]+)">Des offres comme « Bourse au permis', story)
    assert me_too, story
    offers = young.get(unescape(me_too.group(1))).content.decode()
    assert "Bourse au permis de conduire de Noisy-le-Sec" in offers

    with in_city(noisy):
        mission = Structure.objects.get(source="demo", external_id="mission-locale")
        photo = StructurePhoto.objects.get(structure=mission)
        assert photo.alt.startswith("Illustration : ")
        with mission.panorama.open("rb") as f:  # what the viewer draws: a 2:1 raster
            panorama = Image.open(f)
            assert panorama.format == "WEBP" and panorama.size == (2048, 1024)
        assert mission.panorama.name.endswith(".webp")  # served as what it is
        with photo.image.open("rb") as f:
            assert Image.open(f).format == "WEBP" and photo.image.name.endswith(".webp")
        assert Poll.objects.filter(title=POLL_TITLE, status="open").count() == 1
        assert 3 <= Poll.objects.get(title=POLL_TITLE).questions.count() <= 4
    page = young.get(f"/structures/{mission.pk}/").content.decode()
    assert mission.panorama.url in page and photo.alt in unescape(page)
    found = api_for(noisy).get("/api/v1/services/", {"q": "aide au permis"}).json()
    rows = [(r["structure"]["name"], r["label"], r["has_room"]) for r in found["results"]]
    assert rows[0][0] == mission.name and (mission.name, "Préparer un permis", True) in rows
    assert rows[-1][1:] == ("Préparer un permis", False)  # the full one, last
    polls = young.get("/donne-ton-avis/").content.decode()
    assert unescape(POLL_TITLE) in unescape(polls)

    # Staff take the story back and close the poll: seeding again leaves both so.
    from tenant_apps.portal.services import inspiration_share
    from tenant_apps.voice.services import poll_set_status

    with in_city(grigny):
        staff = User.objects.get(email="staff@grigny.demo")
        story_row = Inspiration.objects.get(title=PERMIS["title"])
        inspiration_share(by=staff, inspiration=story_row, share=False)
        poll_set_status(poll=Poll.objects.get(title=POLL_TITLE), by=staff, status="closed")
    run_in_city(grigny, _seed_city)
    assert not NetworkStory.objects.filter(city=grigny).exists()
    with in_city(grigny):
        assert Poll.objects.get(title=POLL_TITLE).status == "closed"
