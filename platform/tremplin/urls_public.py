"""URL map of the platform's own host (<base-domain>, public schema)."""

from django.urls import include, path

from shared_apps.billing import api_urls as billing_api_urls
from tenants.views import platform_home, tls_ask

from .urls_common import common_patterns, handler400, handler404, handler500  # noqa: F401

urlpatterns = [
    path("", platform_home, name="home"),
    # Caddy's on-demand TLS permission; the middleware routes it here whatever the Host.
    path("internal/tls/ask", tls_ask, name="tls-ask"),
    path("api/v1/", include("tenants.api_urls")),
    path("api/v1/", include(billing_api_urls.public_urlpatterns)),
    path("billing/", include("shared_apps.billing.urls")),
    path("console/flotte/", include("shared_apps.fleet.urls")),
    path("console/", include("shared_apps.console.urls")),
    # The demo's mailbox (DEBUG and `up --demo` only: 404 otherwise).
    path("_dev/mail/", include("tremplin.devmail")),
    *common_patterns(urlconf="tremplin.urls_public"),
]
