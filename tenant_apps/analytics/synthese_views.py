"""/staff/diagnostic/synthese.pdf: the diagnostic's one-page synthèse for elected officials."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from tenant_apps.branding.selectors import branding_get

from .synthese import synthese_pdf
from .views import diagnostic_view


@diagnostic_view
def synthese_download(request: HttpRequest) -> HttpResponse:
    """The last twelve whole months in five figures, as a one-page A4 PDF."""
    pdf = synthese_pdf(city=request.city, branding=branding_get())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="synthese-{request.city.slug}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
