"""Each city's identity: admin screens, editable pages, manifest, icon and service worker."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shared_apps.accounts.models import Role
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.branding.models import Branding, Page
from tenants.context import in_city
from tests.conftest import PASSWORD


def _png(size=(40, 20), color=(11, 95, 165)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


# A real image: uploads are decoded and re-encoded (kernel/images.py), never stored as sent.
PNG = _png()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _signed_in(client_for, make_user, city, role=Role.ADMIN):
    email = f"{role}@{city.slug}.test"
    make_user(city, email, role)
    client = client_for(city)
    assert client.post("/connexion/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


def _form(**changes) -> dict:
    return {
        "display_name": "Grigny Jeunes",
        "primary_color": "#0B5FA5",
        "secondary_color": "#7C2D12",
        "welcome_text": "Salut !",
        "social_instagram": "https://instagram.com/grigny",
    } | changes


def test_admin_changes_the_identity_and_every_page_shows_it(client_for, make_user, grigny):
    client = _signed_in(client_for, make_user, grigny)
    page = client.get("/staff/branding/")
    assert page.status_code == 200 and "Identité de la ville" in page.content.decode()
    response = client.post("/staff/branding/", _form(primary_color="#5B2A86"))
    assert response.status_code == 302
    home = client_for(grigny).get("/").content.decode()
    assert "--brand:#5B2A86" in home and "Grigny Jeunes" in home and "Salut !" in home
    assert "https://instagram.com/grigny" in home
    assert 'rel="manifest" href="/manifest.webmanifest"' in home and "/sw.js" in home
    with in_city(grigny):
        entry = StaffAuditEntry.objects.get(action="branding.update")
    assert entry.diff["primary_color"] == ["#0B5FA5", "#5B2A86"]


@pytest.mark.parametrize(
    ("field", "color"), [("primary_color", "#FFDD00"), ("secondary_color", "#88CCFF")]
)
def test_colours_too_light_for_white_text_are_refused(client_for, make_user, grigny, field, color):
    client = _signed_in(client_for, make_user, grigny)
    response = client.post("/staff/branding/", _form(**{field: color}))
    assert response.status_code == 200
    assert "Contraste insuffisant" in response.content.decode() or "trop claire" in (
        response.content.decode()
    )
    with in_city(grigny):
        assert getattr(Branding.objects.get(), field) != color


def test_bad_colour_and_social_link_are_refused(client_for, make_user, grigny):
    client = _signed_in(client_for, make_user, grigny)
    text = client.post(
        "/staff/branding/", _form(primary_color="bleu", social_instagram="javascript:alert(1)")
    ).content.decode()
    assert "#RRGGBB" in text and "lien valide" in text


def test_logo_upload_accepts_images_only(client_for, make_user, grigny, tmp_path):
    client = _signed_in(client_for, make_user, grigny)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    refused = client.post("/staff/branding/", _form(logo=fake))
    assert "PNG, JPEG ou WebP" in refused.content.decode()
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    assert client.post("/staff/branding/", _form(logo=logo)).status_code == 302
    with in_city(grigny):
        name = Branding.objects.get().logo.name
    assert name.startswith("grigny/branding/logo-") and name.endswith(".png")
    stored = Image.open(tmp_path / name)
    assert stored.format == "PNG" and stored.size == (40, 20)
    assert f"/media/{name}" in client.get("/").content.decode()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER, Role.PARTNER, Role.YOUTH])
def test_only_the_city_admin_manages_branding(client_for, make_user, grigny, role):
    client = _signed_in(client_for, make_user, grigny, role)
    assert client.get("/staff/branding/").status_code == 403
    assert client.post("/staff/branding/", _form(display_name="Piraté")).status_code == 403
    assert client.get("/staff/branding/pages/contact/").status_code == 403
    with in_city(grigny):
        assert Branding.objects.get().display_name == "Grigny"


def test_anonymous_visitors_are_sent_to_sign_in(client_for, grigny):
    response = client_for(grigny).get("/staff/branding/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_an_admin_of_another_city_cannot_touch_this_one(
    client_for, make_user, grigny, gennevilliers
):
    client = _signed_in(client_for, make_user, gennevilliers)
    client.post("/staff/branding/", _form(display_name="Genne Jeunes"))
    with in_city(grigny):
        assert Branding.objects.get().display_name == "Grigny"
    grigny_client = client_for(grigny)
    grigny_client.cookies = client.cookies
    assert grigny_client.get("/staff/branding/").status_code == 302  # not signed in here


def test_editable_pages_have_defaults_and_can_be_rewritten(client_for, make_user, grigny):
    for path in ("/a-propos/", "/contact/", "/mentions-legales/"):
        response = client_for(grigny).get(path)
        assert response.status_code == 200 and "Grigny" in response.content.decode()
    client = _signed_in(client_for, make_user, grigny)
    response = client.post(
        "/staff/branding/pages/contact/",
        {"title": "Nous écrire", "body": "PIJ, 1 place du Marché.\n\nOuvert le mercredi."},
    )
    assert response.status_code == 302
    page = client_for(grigny).get("/contact/").content.decode()
    assert "Nous écrire" in page and "<p>Ouvert le mercredi.</p>" in page
    assert client.post("/staff/branding/pages/contact/", {"title": ""}).status_code == 200
    assert client.get("/staff/branding/pages/inconnue/").status_code == 404
    with in_city(grigny):
        assert Page.objects.get(slug="contact").title == "Nous écrire"


def test_manifest_and_icon_carry_the_city_identity(client_for, grigny, gennevilliers):
    response = client_for(grigny).get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Tremplin Grigny" and manifest["short_name"] == "Grigny"
    assert manifest["theme_color"] == "#0B5FA5" and manifest["start_url"] == "/"
    assert manifest["icons"][0]["src"] == "/icon.svg"
    other = json.loads(client_for(gennevilliers).get("/manifest.webmanifest").content)
    assert other["name"] == "Tremplin Gennevilliers" and other["theme_color"] == "#A4262C"
    assert other["short_name"] == "Gennevillier"
    icon = client_for(gennevilliers).get("/icon.svg")
    assert icon["Content-Type"] == "image/svg+xml"
    svg = icon.content.decode()
    assert 'fill="#A4262C"' in svg and ">G</text>" in svg


def test_service_worker_and_offline_page(client_for, grigny, public_host):
    response = client_for(grigny).get("/sw.js")
    assert response["Content-Type"] == "application/javascript"
    script = response.content.decode()
    assert "/hors-ligne/" in script and "tremplin-grigny-pages" in script
    assert "networkFirst" in script
    assert "Pas de connexion" in client_for(grigny).get("/hors-ligne/").content.decode()
    assert client_for(public_host).get("/manifest.webmanifest").status_code == 404


def test_pages_work_without_javascript_and_link_the_editable_pages(client_for, grigny):
    home = client_for(grigny).get("/").content.decode()
    for path in ("/a-propos/", "/contact/", "/mentions-legales/", "/inscription/"):
        assert f'href="{path}"' in home
