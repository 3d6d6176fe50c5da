"""Uploaded images are decoded and re-encoded: what is stored is pixels we wrote, nothing else."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from kernel.errors import ValidationFailed
from kernel.images import NOT_AN_IMAGE, SCRIPTABLE, image_reencode
from PIL import Image

SCRIPT = b"<script>alert(document.cookie)</script>"


def _image(fmt="PNG", size=(64, 32), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 0).save(out, format=fmt, **save)
    return out.getvalue()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def _refusal(name: str, data: bytes, **limits) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        image_reencode(_upload(name, data), max_bytes=limits.pop("max_bytes", 512 * 1024), **limits)
    return caught.value


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_png_jpeg_and_webp_come_back_as_a_png_we_wrote(fmt):
    clean = image_reencode(_upload("photo.bin", _image(fmt)), max_bytes=512 * 1024)
    decoded = Image.open(io.BytesIO(clean.content))
    assert (clean.extension, clean.content_type) == ("png", "image/png")
    assert decoded.format == "PNG" and decoded.size == (64, 32)


def test_a_polyglot_keeps_its_pixels_and_loses_its_script():
    """A real PNG followed by HTML: re-encoding writes the pixels only."""
    clean = image_reencode(_upload("logo.png", _image() + SCRIPT), max_bytes=512 * 1024)
    assert b"<script" not in clean.content and Image.open(io.BytesIO(clean.content)).size == (
        64,
        32,
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.html", b"\x89PNG\r\n\x1a\n" + SCRIPT),  # PNG magic bytes, then a script
        ("logo.png", b"\x89PNG\r\n\x1a\n" + SCRIPT),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("logo.png", b"  <svg onload=alert(1)>"),
        ("logo.js", b"alert(1)"),
        ("logo.htm", _image()),  # even a real image: the name is a page's
    ],
)
def test_svg_html_and_javascript_are_refused_in_french(name, data):
    assert _refusal(name, data).message == SCRIPTABLE


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        _image()[:60],  # truncated
        _image("GIF"),  # decodable, but not a format we accept
        _image("BMP"),
    ],
)
def test_anything_pillow_cannot_decode_as_png_jpeg_or_webp_is_refused(data):
    assert _refusal("logo.png", data).message == NOT_AN_IMAGE


def test_size_and_pixel_limits():
    too_heavy = _refusal("logo.png", _image(size=(300, 300)), max_bytes=100)
    assert too_heavy.code == "image_too_large" and "Ko au plus" in too_heavy.message
    # 50 megapixels of one bit compress to a few kilobytes: a decompression bomb.
    bomb = _image(size=(10_000, 5_000), mode="1")
    assert len(bomb) < 512 * 1024
    refused = _refusal("bomb.png", bomb)
    assert refused.code == "image_too_large" and "trop grande" in refused.message
    assert _refusal("small-bomb.png", _image(size=(100, 100)), max_pixels=5_000).code == (
        "image_too_large"
    )


def test_large_images_are_scaled_down_and_metadata_dropped():
    exif = Image.Exif()
    exif[0x010F] = "Appareil photo de Nora"  # Make
    photo = _image("JPEG", size=(2000, 1000), exif=exif.tobytes())
    clean = image_reencode(_upload("photo.jpg", photo), max_bytes=512 * 1024, max_side=512)
    decoded = Image.open(io.BytesIO(clean.content))
    assert decoded.size == (512, 256) and not decoded.getexif()
    assert b"Nora" not in clean.content


def test_transparency_is_kept_and_webp_output_is_available():
    logo = _image(size=(32, 32), mode="RGBA")
    clean = image_reencode(_upload("logo.png", logo), max_bytes=512 * 1024, output="WEBP")
    decoded = Image.open(io.BytesIO(clean.content))
    assert (clean.extension, decoded.format, decoded.mode) == ("webp", "WEBP", "RGBA")
