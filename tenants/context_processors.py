"""Template context: the current city (None on the platform's own host) and its branding."""

from __future__ import annotations

from django.http import HttpRequest

from .models import City


def city(request: HttpRequest) -> dict:
    current = getattr(request, "tenant", None)
    if not isinstance(current, City):
        return {"city": None, "branding": None}
    from tenant_apps.branding.selectors import branding_get

    return {"city": current, "branding": branding_get()}
