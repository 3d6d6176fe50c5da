"""Template context: the current city's branding (None on the platform's own host)."""

from __future__ import annotations

from django.http import HttpRequest

from tenants.models import City

from .selectors import branding_get


def branding(request: HttpRequest) -> dict:
    if not isinstance(getattr(request, "tenant", None), City):
        return {"branding": None}
    return {"branding": branding_get()}
