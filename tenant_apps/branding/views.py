"""A city's home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def city_home(request: HttpRequest) -> HttpResponse:
    return render(request, "branding/city_home.html")
