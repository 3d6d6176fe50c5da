"""See the place before you go (issue 14, item 2): a structure's welcome booklet — photos,
a short video with its text, a 360° panorama loaded on demand, how to come, opening hours,
open days — works without JavaScript; uploads are re-encoded; another city sees nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.models import PartnerMembership, StructurePhoto
from tenants.context import in_city

from .factories import make_offer, make_structure


def jpeg(width=400, height=200, name="photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def place(grigny, make_user, client_for):
    partner = make_user(grigny, "asso@grigny.test", Role.PARTNER)
    with in_city(grigny):
        structure = make_structure(
            name="Maison des jeunes", address="3 rue de la Paix", opening_hours="Mercredi 14h-18h"
        )
        PartnerMembership.objects.create(user=partner, structure=structure)
        make_offer(
            kind="evenement",
            title="Portes ouvertes",
            structure=structure,
            starts_at=timezone.now() + timedelta(days=5),
        )
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(partner)
    return structure, client


def test_the_partner_fills_the_booklet_and_young_people_read_it_without_js(
    client_for, api_for, grigny, place, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    structure, partner = place
    url = f"/staff/structures/{structure.pk}/livret/"
    response = partner.post(
        url,
        {
            "access_info": "RER D, arrêt Grigny-Centre, puis 5 minutes à pied.",
            "video_url": "https://videos.example/mdj.mp4",
            "video_text": "On visite l'accueil.",
            "panorama": jpeg(2000, 1000, "pano.jpg"),
        },
    )
    assert response.status_code == 302
    assert (
        partner.post(
            url, {"action": "add_photo", "image": jpeg(), "alt": "La salle de musique"}
        ).status_code
        == 302
    )
    with in_city(grigny):
        structure.refresh_from_db()
        assert structure.panorama.name.endswith(".webp")
        photo = StructurePhoto.objects.get()
        assert photo.image.name.endswith(".webp")
    page = client_for(grigny).get(f"/structures/{structure.pk}/").content.decode()
    for text in (
        "Maison des jeunes",
        "RER D, arrêt Grigny-Centre",
        "Mercredi 14h-18h",
        "Portes ouvertes",
        "La salle de musique",
        "On visite l&#x27;accueil.",
        "Voir le panorama (image)",
        "portal/panorama.js",
    ):
        assert text in page, text
    data = api_for(grigny).get(f"/api/v1/structures/{structure.pk}/").json()
    assert data["media"]["panorama_url"].endswith(".webp")
    assert data["media"]["photos"][0]["alt"] == "La salle de musique"
    assert data["media"]["video_text"] == "On visite l'accueil."


def test_bad_uploads_and_a_video_without_text_change_nothing(grigny, place, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    structure, partner = place
    url = f"/staff/structures/{structure.pk}/livret/"
    svg = SimpleUploadedFile("pano.svg", b"<svg onload='alert(1)'></svg>", "image/svg+xml")
    partner.post(url, {"panorama": svg})
    partner.post(url, {"video_url": "https://videos.example/x.mp4", "video_text": ""})
    partner.post(url, {"action": "add_photo", "image": jpeg(), "alt": ""})
    fake = SimpleUploadedFile("photo.jpg", b"\x89PNG\r\n\x1a\n<script>", "image/jpeg")
    partner.post(url, {"action": "add_photo", "image": fake, "alt": "x"})
    with in_city(grigny):
        structure.refresh_from_db()
        assert not structure.panorama and not structure.video_url
        assert not StructurePhoto.objects.exists()


def test_another_city_and_other_partners_cannot(
    client_for, api_for, gennevilliers, grigny, place, make_user
):
    structure, _partner = place
    assert client_for(gennevilliers).get(f"/structures/{structure.pk}/").status_code == 404
    assert api_for(gennevilliers).get(f"/api/v1/structures/{structure.pk}/").status_code == 404
    other = make_user(grigny, "autre@grigny.test", Role.PARTNER)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(other)
    response = client.post(f"/staff/structures/{structure.pk}/livret/", {"access_info": "x"})
    assert response.status_code == 404
    with in_city(grigny):
        structure.refresh_from_db()
        assert structure.access_info == ""


def test_no_empty_comment_venir_heading(grigny, client_for):
    with in_city(grigny):
        bare = make_structure(name="Local sans adresse", address="", commune="")
        with_access = make_structure(name="Local accessible", address="")
        with_access.access_info = "Bus 402, arrêt Mairie."
        with_access.save(update_fields=["access_info"])
    client = client_for(grigny)
    page = client.get(f"/structures/{bare.pk}/").content.decode()
    assert "Local sans adresse" in page and "Comment venir" not in page
    page = client.get(f"/structures/{with_access.pk}/").content.decode()
    assert "Comment venir" in page and "Bus 402" in page
