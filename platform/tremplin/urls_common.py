"""Routes served on every host: health, sign-in, API schema and docs."""

from django.conf import settings
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .api_docs import ApiDocsView


def common_patterns(*, urlconf: str) -> list:
    bench = [path("_bench/ceiling", views.bench_ceiling)] if settings.TREMPLIN_BENCH_CEILING else []
    return [
        *bench,
        path("healthz", views.healthz, name="healthz"),
        path("readyz", views.readyz, name="readyz"),
        path("", include("shared_apps.accounts.urls")),
        path("api/v1/", include("shared_apps.accounts.api_urls")),
        path("api/schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="api-schema"),
        path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    ]


handler400 = "tremplin.views.bad_request"
handler404 = "tremplin.views.page_not_found"
handler500 = "tremplin.views.server_error"
