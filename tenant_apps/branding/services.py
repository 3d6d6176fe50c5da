"""Writes for a city's branding (current schema)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from tremplin.errors import from_django_validation_error

from .models import Branding

DEFAULT_PRIMARY = "#1D4ED8"
DEFAULT_SECONDARY = "#7C2D12"


@transaction.atomic
def branding_initialize(
    *, display_name: str, primary_color: str | None = None, secondary_color: str | None = None
) -> Branding:
    """Create the city's branding row, or return the existing one untouched."""
    existing = Branding.objects.first()
    if existing is not None:
        return existing
    branding = Branding(
        display_name=display_name,
        primary_color=(primary_color or DEFAULT_PRIMARY).upper(),
        secondary_color=(secondary_color or DEFAULT_SECONDARY).upper(),
        welcome_text=f"Bienvenue sur Tremplin {display_name} : tes droits, des jobs, des "
        "formations et des sorties près de chez toi.",
    )
    try:
        branding.full_clean()
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    branding.save()
    return branding
