from django.urls import path

from . import api

urlpatterns = [
    path("analytics/diagnostic/", api.DiagnosticApi.as_view(), name="api-diagnostic"),
]
