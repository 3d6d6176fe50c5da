"""The platform's home page (public host)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import city_list_public


def platform_home(request: HttpRequest) -> HttpResponse:
    return render(request, "tenants/platform_home.html", {"cities": city_list_public()})
