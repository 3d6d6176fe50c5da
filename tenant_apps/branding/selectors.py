"""Reads for a city's branding (current schema)."""

from __future__ import annotations

from .models import Branding


def branding_get() -> Branding | None:
    return Branding.objects.first()
