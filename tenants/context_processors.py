"""Template context: the current city (None on the platform's own host). Its branding comes
from tenant_apps.branding.context_processors."""

from __future__ import annotations

from django.http import HttpRequest

from .models import City


def city(request: HttpRequest) -> dict:
    current = getattr(request, "tenant", None)
    return {"city": current if isinstance(current, City) else None}
