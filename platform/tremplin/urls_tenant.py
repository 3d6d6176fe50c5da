"""URL map of a city's host (<slug>.<base-domain>, the city's schema)."""

from django.urls import path

from tenant_apps.branding.views import city_home

from .urls_common import common_patterns, handler400, handler404, handler500  # noqa: F401

urlpatterns = [
    path("", city_home, name="home"),
    *common_patterns(urlconf="tremplin.urls_tenant"),
]
