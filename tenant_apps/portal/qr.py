"""QR codes and print-ready posters for what a city wants found: an offer, an event, a structure,
the city's home. Each code opens the city's canonical URL with `?src=qr-<kind>`, which the
analytics count as a scan (tenant_apps.analytics.middleware); the page itself is the usual one.

Kinds are the French words of the public URL (`/qr/<kind>/<id>.svg`): offre, evenement,
structure, ville (whose id is the city's slug).
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from kernel.errors import NotFound

from shared_apps.offers.models import OfferKind
from tenant_apps.catalogue.models import Structure
from tenant_apps.catalogue.selectors import offer_get_for_city
from tenants.access import canonical_url

KINDS = ("offre", "evenement", "structure", "ville")
SCAN_SOURCES = tuple(f"qr-{kind}" for kind in KINDS)
# Error correction "M" (15 %) survives a folded or smudged poster and stays readable on a cheap
# phone's camera at arm's length; a module of 10 px in the SVG prints crisp at any size.
ERROR_CORRECTION = "m"


@dataclass(frozen=True)
class QrTarget:
    kind: str
    ident: str
    title: str
    path: str
    fragment: str = ""
    subtitle: str = ""


def qr_target(*, kind: str, ident: str, city) -> QrTarget:
    """What the code of `kind`/`ident` opens in `city`; NotFound for anything not public here."""
    if kind == "ville":
        if ident != city.slug:
            raise NotFound(_("Cette ville n'existe pas ici."), code="qr_not_found")
        return QrTarget(kind, ident, city.name, "/", subtitle=_("Le guichet jeunesse"))
    try:
        pk = uuid.UUID(ident)
    except ValueError:
        raise NotFound(_("Ce code n'existe pas."), code="qr_not_found") from None
    if kind in ("offre", "evenement"):
        hit = offer_get_for_city(offer_id=pk, city=city)
        if hit is None or (kind == "evenement") != (hit.offer.kind == OfferKind.EVENEMENT):
            raise NotFound(_("Cette offre n'est pas publiée ici."), code="qr_not_found")
        offer = hit.offer
        return QrTarget(
            kind, ident, offer.title, f"/offres/{offer.pk}/", subtitle=offer.get_kind_display()
        )
    if kind == "structure":
        structure = Structure.objects.filter(pk=pk).first()
        if structure is None:
            raise NotFound(_("Ce lieu n'existe pas ici."), code="qr_not_found")
        # The poster opens the place's welcome booklet (photos, panorama, how to come).
        return QrTarget(
            kind, ident, structure.name, f"/structures/{structure.pk}/", subtitle=structure.address
        )
    raise NotFound(_("Ce code n'existe pas."), code="qr_not_found")


def scan_url(request, target: QrTarget) -> str:
    """The URL the code carries: canonical host, the scan's source, then the fragment."""
    return canonical_url(request, f"{target.path}?src=qr-{target.kind}{target.fragment}")


def qr_svg_document(url: str, *, title: str) -> str:
    """A standalone SVG file (XML declaration, title for screen readers)."""
    buffer = io.BytesIO()
    segno.make(url, error=ERROR_CORRECTION).save(
        buffer, kind="svg", scale=10, border=4, title=title, dark="#000", light="#fff"
    )
    return buffer.getvalue().decode()


def qr_svg_inline(url: str, *, title: str) -> str:
    return segno.make(url, error=ERROR_CORRECTION).svg_inline(
        scale=10, border=4, title=title, dark="#000", light="#fff"
    )


def _no_fetch(url: str, *args, **kwargs):
    """WeasyPrint's resource fetcher: a poster is built from what we hand it, nothing is
    fetched (no request to a URL a city typed, no file read)."""
    raise ValueError(f"Poster resources are inline only: {url[:60]}")


def poster_pdf(request, target: QrTarget, *, branding) -> bytes:
    """An A4 poster: the city's colour, the title, the code large, the address in plain text."""
    from weasyprint import CSS, HTML  # heavy (cairo, pango): loaded on the first poster only

    url = scan_url(request, target)
    context = {
        "target": target,
        "url": url,
        "printed_url": url.split("://", 1)[-1].split("?", 1)[0],
        "qr": qr_svg_inline(url, title=target.title),
        "city": request.city,
        "branding": branding,
    }
    html = render_to_string("portal/qr_poster.html", context)
    css = CSS(string=render_to_string("portal/qr_poster.css", context), url_fetcher=_no_fetch)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(stylesheets=[css])
