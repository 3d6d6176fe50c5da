"""URL map of a city's host (<slug>.<base-domain>, the city's schema)."""

from django.urls import include, path

from shared_apps.billing import api_urls as billing_api_urls

from . import views
from .urls_common import common_patterns, handler400, handler404, handler500  # noqa: F401

urlpatterns = [
    path("", include("tenant_apps.portal.urls")),
    path("", include("tenant_apps.analytics.urls")),
    path("", include("tenant_apps.catalogue.urls")),
    path("staff/fonctionnalites/", include("tenant_apps.features.urls")),
    path("staff/", include("tenant_apps.staff.urls")),
    path("api/v1/", include("tenant_apps.catalogue.api_urls")),
    path("api/v1/", include("tenant_apps.analytics.api_urls")),
    path("", include("tenant_apps.matching.urls")),
    path("api/v1/", include("tenant_apps.matching.api_urls")),
    path("", include("tenant_apps.youth.urls")),
    path("", include("tenant_apps.branding.urls")),
    path("", include("tenant_apps.voice.urls")),
    path("api/v1/", include("tenant_apps.voice.api_urls")),
    path("", include("tenant_apps.meetups.urls")),
    path("api/v1/", include("tenant_apps.meetups.api_urls")),
    path("api/v1/", include("tenant_apps.youth.api_urls")),
    path("api/v1/", include("tenant_apps.portal.api_urls")),
    path("api/v1/", include("tenant_apps.staff.api_urls")),
    path("api/v1/", include(billing_api_urls.tenant_urlpatterns)),
    *common_patterns(urlconf="tremplin.urls_tenant"),
    # City logos: Caddy serves /media/ in production, this view in development (DEBUG) or
    # when TREMPLIN_SERVE_MEDIA says so; 404 otherwise.
    path("media/<path:path>", views.media, name="media"),
]
