"""Pick the city from the Host header: its schema, its URL map, or a 404 page."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from .resolution import host_cache

HEALTH_PATHS = frozenset({"/healthz", "/readyz"})


def unknown_host_response(request: HttpRequest) -> HttpResponse:
    html = render_to_string("tenants/unknown_host.html", request=None)
    return HttpResponse(html, status=404)


class CityMiddleware(TenantMainMiddleware):
    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        connection.set_schema_to_public()
        # Raw header: Django's get_host() would 400 on odd hosts; we answer 404 to all of them.
        raw_host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
        resolution = host_cache.resolve(raw_host)
        # Probes (load balancers, Kubernetes) call by IP address: health answers on any host.
        if resolution.kind == "public" or request.path_info in HEALTH_PATHS:
            request.tenant = connection.tenant
            self.setup_url_routing(request, force_public=True)
            return None
        city = resolution.city
        if city is None or not city.is_serving:
            return unknown_host_response(request)
        request.tenant = city
        connection.set_tenant(city)
        self.setup_url_routing(request)
        _tag_error_reports(city.slug)
        return None


def _tag_error_reports(slug: str) -> None:
    import sentry_sdk

    sentry_sdk.get_isolation_scope().set_tag("city", slug)
