"""QR codes and posters (issue 14, item 6): each public thing a city wants found has a code
that opens its canonical URL with ?src=qr-<kind>; a scan counts in the analytics; posters are
print-ready PDFs for staff; nothing of another city is reachable."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tenant_apps.analytics import recording, rollups
from tenant_apps.analytics.models import Period, Rollup
from tenant_apps.catalogue.models import Structure
from tenant_apps.portal.qr import qr_svg_document
from tenants.context import in_city
from tenants.models import build_url
from tests.tenant_apps.catalogue.factories import make_offer


@pytest.fixture
def things(grigny):
    with in_city(grigny):
        return {
            "offre": make_offer(kind="emploi", title="Job d'été à la piscine"),
            "evenement": make_offer(kind="evenement", title="Tournoi de futsal"),
            "brouillon": make_offer(kind="aide", title="Aide en préparation", status="draft"),
            "structure": Structure.objects.create(name="Maison de quartier", address="2 rue X"),
        }


@pytest.fixture(autouse=True)
def _empty_buffer(grigny):
    key = recording.buffer_key(grigny.schema_name)
    recording.redis_client().delete(key)
    yield
    recording.redis_client().delete(key)


@pytest.mark.parametrize(
    ("kind", "name", "path"),
    [
        ("offre", "offre", "/offres/{pk}/?src=qr-offre"),
        ("evenement", "evenement", "/offres/{pk}/?src=qr-evenement"),
        ("structure", "structure", "/structures/{pk}/?src=qr-structure"),
    ],
)
def test_a_code_opens_the_canonical_url_with_its_source(
    client_for, grigny, things, kind, name, path
):
    thing = things[name]
    response = client_for(grigny).get(f"/qr/{kind}/{thing.pk}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    url = build_url(grigny.primary_host, path.format(pk=thing.pk))
    title = getattr(thing, "title", None) or thing.name
    assert response.content.decode() == qr_svg_document(url, title=title)
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content


def test_the_city_home_code_and_unknown_things_404(client_for, grigny, things):
    client = client_for(grigny)
    assert client.get("/qr/ville/grigny.svg").status_code == 200
    for path in (
        "/qr/ville/gennevilliers.svg",
        f"/qr/offre/{things['brouillon'].pk}.svg",  # not published
        f"/qr/evenement/{things['offre'].pk}.svg",  # not an event
        "/qr/offre/pas-un-uuid.svg",
        f"/qr/autre/{things['offre'].pk}.svg",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "text/html" in response["Content-Type"]


def test_another_city_cannot_make_codes_of_our_things(client_for, gennevilliers, things):
    client = client_for(gennevilliers)
    for kind in ("offre", "evenement", "structure"):
        assert client.get(f"/qr/{kind}/{things[kind].pk}.svg").status_code == 404
        poster = client.get(f"/staff/affiches/{kind}/{things[kind].pk}.pdf")
        assert poster.status_code in (302, 404)


def test_staff_download_a_one_page_poster_and_youth_cannot(
    client_for, make_user, grigny, gennevilliers, things
):
    staff = client_for(grigny)
    with in_city(grigny):
        staff.force_login(make_user(grigny, "editeur@grigny.test", "editor"))
    response = staff.get(f"/staff/affiches/offre/{things['offre'].pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "Job d'été à la piscine" in text and "Scanne-moi" in text
    city_poster = staff.get("/staff/affiches/ville/grigny.pdf")
    assert city_poster.status_code == 200
    city_text = PdfReader(io.BytesIO(city_poster.content)).pages[0].extract_text()
    assert city_text.count("Grigny") == 1, city_text  # the city's name once, as the title
    assert "Le guichet jeunesse" in city_text

    youth = client_for(grigny)
    with in_city(grigny):
        youth.force_login(make_user(grigny, "jeune@grigny.test", "youth"))
    assert youth.get(f"/staff/affiches/offre/{things['offre'].pk}.pdf").status_code == 403
    anonymous = client_for(grigny).get(f"/staff/affiches/offre/{things['offre'].pk}.pdf")
    assert anonymous.status_code == 302

    # Grigny's editor on Gennevilliers' host is nobody there.
    other = client_for(gennevilliers)
    other.cookies = staff.cookies
    assert other.get("/staff/affiches/ville/gennevilliers.pdf").status_code == 302


def test_a_scan_counts_once_with_its_source_and_other_sources_do_not(client_for, grigny, things):
    client = client_for(grigny)
    assert client.get(f"/offres/{things['offre'].pk}/?src=qr-offre").status_code == 200
    assert client.get("/?src=qr-ville").status_code == 200
    assert client.get("/?src=newsletter").status_code == 200  # not a code of ours
    assert client.get("/?src=qr-offre%3Cscript%3E").status_code == 200
    with in_city(grigny):
        recording.drain(schema_name=grigny.schema_name)
        from tenant_apps.analytics.models import Event

        scans = sorted(Event.objects.filter(kind="scan").values_list("query", flat=True))
        assert scans == ["qr-offre", "qr-ville"]
        today = timezone.localdate()
        rollups.rollup_period(period=Period.MONTH, day=today)
        sources = dict(
            Rollup.objects.filter(metric="scan", dimension="source").values_list("key", "events")
        )
        assert sources == {"qr-offre": 1, "qr-ville": 1}
        assert today - timedelta(days=1) < today  # the rollup is the current month's
