"""Uploaded images made safe to serve: decoded and re-encoded by Pillow, never stored as sent.

What a browser may render as a page (SVG, HTML, JavaScript, or a "polyglot" that starts with PNG
magic bytes and carries a script) never reaches storage: the file is decoded as PNG, JPEG or
WebP and written anew (pixels only, no metadata, no trailing bytes), and its name and
extension are the server's. Limits: bytes, pixels (Pillow's decompression-bomb guard, made an
error) and the longest side kept.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ValidationFailed

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
# Names a browser would run or render as a document: refused before anything is decoded.
REFUSED_EXTENSIONS = {"svg", "svgz", "html", "htm", "xhtml", "xml", "js", "mjs", "php"}
OUTPUTS = {"PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
# 40 megapixels: a 4000 x 10000 scan at most; past that decoding alone costs ~160 MB.
DEFAULT_MAX_PIXELS = 40_000_000

NOT_AN_IMAGE = "Le fichier doit être une image PNG, JPEG ou WebP."
SCRIPTABLE = (
    "Les fichiers SVG, HTML ou JavaScript sont refusés : envoie une image PNG, JPEG ou WebP."
)


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str  # "png" or "webp": the stored file's, chosen here
    content_type: str
    width: int
    height: int


def image_reencode(
    upload,
    *,
    max_bytes: int,
    max_side: int = 1024,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    output: str = "PNG",
) -> CleanImage:
    """Decode `upload` (a Django UploadedFile or any binary file) and re-encode it.

    Raises ValidationFailed (French message) for anything but a decodable PNG, JPEG or WebP
    within the limits. Larger images are scaled down to `max_side` on their longest side.
    """
    extension, content_type = OUTPUTS[output]
    name = (getattr(upload, "name", "") or "").lower()
    if "." in name and name.rsplit(".", 1)[-1] in REFUSED_EXTENSIONS:
        raise ValidationFailed(SCRIPTABLE, code="image_refused")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationFailed(
            f"L'image pèse {max_bytes // 1024} Ko au plus.", code="image_too_large"
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise ValidationFailed(
            f"L'image pèse {max_bytes // 1024} Ko au plus.", code="image_too_large"
        )
    if _looks_like_markup(data):
        raise ValidationFailed(SCRIPTABLE, code="image_refused")
    image = _decode(data, max_pixels=max_pixels)
    image = ImageOps.exif_transpose(image)  # a phone photo keeps its orientation, not its EXIF
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if output == "PNG":
        image.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="WEBP", quality=90, method=4)
    return CleanImage(out.getvalue(), extension, content_type, image.width, image.height)


def _looks_like_markup(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<", b"<?xml")) or b"<svg" in head or b"<script" in head[:64]


def _decode(data: bytes, *, max_pixels: int) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow warns past MAX_IMAGE_PIXELS and raises only past twice that: refuse at once.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            width, height = probe.size
            if width * height > max_pixels:
                raise ValidationFailed(
                    f"L'image est trop grande ({width} x {height} pixels).",
                    code="image_too_large",
                )
            probe.verify()  # structure and checksums; the object is unusable afterwards
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            image.seek(0)  # an animated image keeps its first frame
            image.load()
        except ValidationFailed:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationFailed(
                "L'image est trop grande pour être décodée.", code="image_too_large"
            ) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ValidationFailed(NOT_AN_IMAGE, code="image_invalid") from exc
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
