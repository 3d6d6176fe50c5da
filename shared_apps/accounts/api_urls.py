from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenCreateApi.as_view(), name="api-auth-token"),
    path("auth/me/", api.MeApi.as_view(), name="api-auth-me"),
]
