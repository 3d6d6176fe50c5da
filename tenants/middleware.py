"""Pick the city from the Host header: its schema, its URL map, or a 404 page; answer 503
(never 500) while PostgreSQL cannot be reached."""

from __future__ import annotations

import contextlib
import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from .models import build_url
from .resolution import host_cache
from .validation import normalize_host

HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
# The reverse proxy's on-demand TLS permission (tenants/views.tls_ask): Caddy calls the web port
# with its own Host header, so this path too answers on any host, from the public URL map.
TLS_ASK_PATH = "/internal/tls/ask"

logger = logging.getLogger(__name__)


def unknown_host_response(request: HttpRequest) -> HttpResponse:
    html = render_to_string("tenants/unknown_host.html", request=None)
    return HttpResponse(html, status=404)


class CityMiddleware(TenantMainMiddleware):
    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        connection.set_schema_to_public()
        # Raw header: Django's get_host() would 400 on odd hosts; we answer 404 to all of them.
        raw_host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
        # Probes (load balancers, Kubernetes) call by IP address: health answers on any host,
        # and /readyz reports a database outage instead of failing on it.
        if request.path_info in HEALTH_PATHS:
            with contextlib.suppress(OperationalError, InterfaceError):
                host_cache.resolve(raw_host)  # warms the cache for the requests that follow
            return self._serve_public(request)
        if request.path_info == TLS_ASK_PATH:
            return self._serve_public(request)
        resolution = host_cache.resolve(raw_host)
        if resolution.kind == "public":
            return self._serve_public(request)
        city = resolution.city
        if city is None or not city.is_serving:
            return unknown_host_response(request)
        # Every host but the primary one redirects there, same path (domains are prefetched
        # in the cached City: no query).
        primary = city.primary_host
        if normalize_host(raw_host) != primary:
            return _redirect_to_primary(request, primary)
        request.tenant = city
        connection.set_tenant(city)
        self.setup_url_routing(request)
        _tag_error_reports(city.slug)
        return None

    def _serve_public(self, request: HttpRequest) -> None:
        request.tenant = connection.tenant
        self.setup_url_routing(request, force_public=True)


def _redirect_to_primary(request: HttpRequest, primary: str) -> HttpResponse:
    from django.http import HttpResponsePermanentRedirect

    response = HttpResponsePermanentRedirect(build_url(primary, request.get_full_path()))
    if request.method not in ("GET", "HEAD"):
        response.status_code = 308  # keeps the method and body (a 301 turns POST into GET)
    return response


def _tag_error_reports(slug: str) -> None:
    import sentry_sdk

    sentry_sdk.get_isolation_scope().set_tag("city", slug)


# Paths a suspended city still serves to everyone: sign-in/out (so staff can get in), invitations,
# static files, health, and the API's token endpoint.
SUSPENDED_OPEN_PREFIXES = (
    "/connexion/",
    "/deconnexion/",
    "/invitation/",
    "/mot-de-passe/",
    "/static/",
    "/api/v1/auth/token/",
    "/healthz",
    "/readyz",
)
# Unsafe requests a suspended city still accepts, from its staff only: opening Stripe's Billing
# Portal (the admin's page and its API twin). It changes nothing here, and paying is how a city
# suspended for non-payment comes back (the paid invoice's webhook reactivates it). Not in the
# open prefixes above: visitors still get the maintenance page; the views check the admin role.
SUSPENDED_STAFF_WRITABLE = ("/staff/facturation/portail/", "/api/v1/billing/portal/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAINTENANCE_MESSAGE = (
    "Ce service est momentanément indisponible. Reviens un peu plus tard, toutes tes "
    "informations sont conservées."
)
READ_ONLY_MESSAGE = (
    "L'espace de la ville est suspendu : tu peux consulter les données mais pas les modifier. "
    "Contacte l'équipe Tremplin pour le réactiver."
)


class SuspendedCityMiddleware:
    """A suspended city: maintenance page (503) for young people and visitors; city staff can
    read but every unsafe method is refused (403). Costs nothing for an active city.

    Must come after AuthenticationMiddleware. API requests authenticate with a bearer token
    inside DRF views, so for them (only when the city is suspended) the token is checked here.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .models import City, CityStatus

        city = getattr(request, "tenant", None)
        if not isinstance(city, City) or city.status != CityStatus.SUSPENDED:
            return self.get_response(request)
        if request.path_info.startswith(SUSPENDED_OPEN_PREFIXES):
            return self.get_response(request)
        is_api = request.path_info.startswith("/api/")
        user = _api_user(request) if is_api else getattr(request, "user", None)
        if not (user is not None and user.is_authenticated and user.is_city_staff):
            return _refusal(request, is_api, 503, "city_suspended", MAINTENANCE_MESSAGE)
        writable = request.path_info.startswith(SUSPENDED_STAFF_WRITABLE)
        if request.method not in SAFE_METHODS and not writable:
            return _refusal(request, is_api, 403, "city_read_only", READ_ONLY_MESSAGE)
        return self.get_response(request)


def _api_user(request: HttpRequest):
    """The API token's user (or the session's), without raising on a bad token.

    Asks the API's own authentication classes (REST_FRAMEWORK settings), except the session
    one: AuthenticationMiddleware already put the session's user on the request.
    """
    from rest_framework.authentication import SessionAuthentication
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    drf_request = Request(request)
    for authentication in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if issubclass(authentication, SessionAuthentication):
            continue
        try:
            found = authentication().authenticate(drf_request)
        except AuthenticationFailed:
            return None
        if found:
            return found[0]
    return getattr(request, "user", None)


def _refusal(request, is_api: bool, status: int, code: str, message: str) -> HttpResponse:
    if is_api:
        from django.http import JsonResponse

        body = {"error": {"code": code, "message": message, "fields": {}}}
        response = JsonResponse(body, status=status)
    else:
        template = "tenants/maintenance.html" if status == 503 else "tenants/read_only.html"
        html = render_to_string(template, {"message": message}, request=request)
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = "3600"
    return response


# PostgreSQL down or restarting

# SQLSTATEs that mean "the server is not there" rather than "this query failed": connection
# exceptions (class 08), the server shutting down or starting up, no connection slot left.
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
UNAVAILABLE_MESSAGE = (
    "Le service est momentanément indisponible. Réessaie dans une minute : tes informations "
    "sont conservées."
)
UNAVAILABLE_RETRY_AFTER = "30"


def database_unavailable(exc: BaseException | None) -> bool:
    """True if `exc` says PostgreSQL cannot be reached (not that one query failed)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the JSON error on the API, a French page elsewhere. Touches
    neither the database nor the session."""
    if request.path_info.startswith("/api/"):
        body = {
            "error": {"code": "service_unavailable", "message": UNAVAILABLE_MESSAGE, "fields": {}}
        }
        response: HttpResponse = JsonResponse(body, status=503)
    else:
        html = render_to_string("tenants/unavailable.html", {"message": UNAVAILABLE_MESSAGE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = UNAVAILABLE_RETRY_AFTER
    return response


@receiver(got_request_exception, dispatch_uid="tenants.database_unavailable")
def _note_database_unavailable(sender, request=None, **kwargs) -> None:
    # Django turns an exception raised under a middleware into a 500 response right there;
    # this mark lets DatabaseUnavailableMiddleware, further out, replace that response.
    if request is not None and database_unavailable(sys.exc_info()[1]):
        request._tremplin_database_unavailable = True


class DatabaseUnavailableMiddleware:
    """PostgreSQL unreachable anywhere in the request (resolving the host, the session, the
    view, the error page itself) → `unavailable_response`, never a 500. Must come first.

    Nothing to restart afterwards: the broken connection is closed at the end of the request
    (CONN_HEALTH_CHECKS checks a kept one before reuse) and the next request opens a new one.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            return self._unavailable(request, exc)
        if getattr(request, "_tremplin_database_unavailable", False):
            return self._unavailable(request, None)
        return response

    def _unavailable(self, request: HttpRequest, exc: BaseException | None) -> HttpResponse:
        logger.warning("PostgreSQL unreachable: 503 for %s %s", request.method, request.path)
        return unavailable_response(request)
