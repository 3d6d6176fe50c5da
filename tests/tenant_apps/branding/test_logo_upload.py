"""Issue 11's stored XSS through the city logo, tried as an attacker would: a file named
logo.html with PNG magic bytes and a script, an SVG, a JavaScript file. Each is refused with a
French message, or stored as a PNG we wrote under our own name and served as image/png that
no browser will run."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shared_apps.accounts.models import Role
from tenant_apps.branding.models import Branding
from tenants.context import in_city
from tests.conftest import PASSWORD

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
SCRIPT = b"<script>fetch('/staff/').then(r=>r.text()).then(alert)</script>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TREMPLIN_SERVE_MEDIA = True


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (48, 48), (11, 95, 165, 255)).save(out, format="PNG")
    return out.getvalue()


def _admin(client_for, make_user, city):
    make_user(city, f"admin@{city.slug}.test", Role.ADMIN)
    client = client_for(city)
    client.post("/connexion/", {"username": f"admin@{city.slug}.test", "password": PASSWORD})
    return client


def _post_logo(client, name: str, data: bytes, content_type: str = "image/png"):
    return client.post(
        "/staff/branding/",
        {
            "display_name": "Grigny",
            "primary_color": "#0B5FA5",
            "secondary_color": "#7C2D12",
            "logo": SimpleUploadedFile(name, data, content_type=content_type),
        },
    )


def _stored_logo(city) -> str:
    with in_city(city):
        logo = Branding.objects.get().logo
        return logo.name if logo else ""


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("logo.html", b"\x89PNG\r\n\x1a\n" + SCRIPT, "text/html"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + SCRIPT, "image/png"),
        ("logo.svg", SVG, "image/svg+xml"),
        ("logo.png", SVG, "image/png"),
        ("logo.js", b"alert(document.domain)", "application/javascript"),
    ],
)  # fmt: skip
def test_scriptable_uploads_are_refused_in_french(client_for, make_user, grigny, tmp_path,
                                                  name, data, content_type):  # fmt: skip
    client = _admin(client_for, make_user, grigny)
    response = _post_logo(client, name, data, content_type)
    assert response.status_code == 200
    assert "Les fichiers SVG, HTML ou JavaScript sont refusés" in response.content.decode()
    assert _stored_logo(grigny) == "" and not any(tmp_path.rglob("*"))


def test_a_real_png_carrying_a_script_is_stored_as_our_png_and_served_as_one(
    client_for, make_user, grigny, tmp_path
):
    client = _admin(client_for, make_user, grigny)
    assert _post_logo(client, "logo.png", _png() + SCRIPT).status_code == 302
    name = _stored_logo(grigny)
    assert name.startswith("grigny/branding/logo-") and name.endswith(".png")
    stored = (tmp_path / name).read_bytes()
    assert b"<script" not in stored and Image.open(io.BytesIO(stored)).size == (48, 48)

    served = client_for(grigny).get(f"/media/{name}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"] == "attachment"
    assert "sandbox" in served["Content-Security-Policy"]
    assert b"".join(served.streaming_content) == stored
    assert f'src="/media/{name}"' in client_for(grigny).get("/").content.decode()


def test_media_serves_images_only_and_nothing_outside_its_folder(client_for, grigny, tmp_path):
    (tmp_path / "grigny").mkdir()
    (tmp_path / "grigny" / "page.html").write_bytes(SCRIPT)
    (tmp_path / "grigny" / "app.js").write_bytes(b"alert(1)")
    (tmp_path / "secret.png").write_bytes(b"not served: outside the folder asked")
    client = client_for(grigny)
    for path in ("grigny/page.html", "grigny/app.js", "grigny/../../secret.png", "grigny/none.png"):
        assert client.get(f"/media/{path}").status_code == 404, path


def test_media_is_not_served_by_django_when_the_proxy_does(client_for, grigny, settings, tmp_path):
    (tmp_path / "grigny").mkdir()
    (tmp_path / "grigny" / "logo.png").write_bytes(_png())
    settings.TREMPLIN_SERVE_MEDIA = False
    assert client_for(grigny).get("/media/grigny/logo.png").status_code == 404
