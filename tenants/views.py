"""The platform's home page (public host), and the reverse proxy's TLS permission endpoint."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .domains import certificate_allowed
from .pages import any_host_page
from .selectors import city_list_public
from .validation import normalize_host


def platform_home(request: HttpRequest) -> HttpResponse:
    return render(request, "tenants/platform_home.html", {"cities": city_list_public()})


# Headers a reverse proxy adds to what it forwards; Caddy's own "ask" request carries none.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


@any_host_page
@require_GET
def tls_ask(request: HttpRequest) -> HttpResponse:
    """GET /internal/tls/ask?domain=<host>: Caddy asks before obtaining a certificate.

    200 for an active city's `<slug>.<base-domain>` or verified custom domain, 404 for any
    other name (so nobody pointing DNS at us spends our ACME rate limits), 403 when the request
    came from outside through the proxy. No query when the host cache is warm.
    """
    if settings.TREMPLIN_TLS_ASK_INTERNAL_ONLY and any(h in request.META for h in PROXY_HEADERS):
        return HttpResponse("Réservé au proxy.\n", status=403, content_type="text/plain")
    host = normalize_host(request.GET.get("domain", ""))
    if not host:
        return HttpResponse(
            "Paramètre « domain » manquant ou invalide.\n", status=400, content_type="text/plain"
        )
    if certificate_allowed(host):
        return HttpResponse("ok\n", content_type="text/plain")
    return HttpResponse("Domaine inconnu ou non vérifié.\n", status=404, content_type="text/plain")
