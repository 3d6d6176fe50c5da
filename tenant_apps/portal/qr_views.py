"""/qr/<kind>/<id>.svg (public: the code itself, cheap and cacheable) and
/staff/affiches/<kind>/<id>.pdf (staff: a print-ready A4 poster; rendering a PDF costs CPU, so
it is not open to anyone who can type a URL)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from kernel.errors import NotFound

from tenant_apps.branding.selectors import branding_get
from tenant_apps.catalogue.permissions import can_read
from tenants.pages import city_page, staff_page

from .qr import poster_pdf, qr_svg_document, qr_target, scan_url


def _target(request: HttpRequest, kind: str, ident: str):
    try:
        return qr_target(kind=kind, ident=ident, city=request.city)
    except NotFound:
        raise Http404 from None


@city_page
@require_GET
def qr_svg(request: HttpRequest, kind: str, ident: str) -> HttpResponse:
    target = _target(request, kind, ident)
    body = qr_svg_document(scan_url(request, target), title=target.title)
    response = HttpResponse(body, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-{kind}-{ident}.svg"'
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_page(can_read)
@require_GET
def qr_poster(request: HttpRequest, kind: str, ident: str) -> HttpResponse:
    target = _target(request, kind, ident)
    response = HttpResponse(
        poster_pdf(request, target, branding=branding_get()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="affiche-{kind}-{ident}.pdf"'
    return response
