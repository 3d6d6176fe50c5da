"""What branding adds to the tenancy core (tenants.hooks): the brand colour a new city is
onboarded with, its first branding row, and the display name when an import renames it."""

from __future__ import annotations

from tenants import hooks
from tenants.generations import generation_bump
from tenants.models import City

from .colors import AA_CONTRAST, WHITE, contrast_ratio, is_hex_color
from .models import Branding
from .selectors import BRANDING
from .services import branding_initialize


def primary_color_validate(request: hooks.CityRequest) -> hooks.FieldErrors:
    color = request.primary_color
    if not color:
        return {}
    if not is_hex_color(color):
        return {"primary_color": ["Indique une couleur au format #RRGGBB."]}
    if contrast_ratio(color, WHITE) < AA_CONTRAST:
        return {
            "primary_color": [
                "Cette couleur est trop claire : le texte blanc n'y serait pas lisible."
            ]
        }
    return {}


def branding_seed(seeding: hooks.CitySeed) -> None:
    branding_initialize(display_name=seeding.city.name, primary_color=seeding.primary_color)


def branding_rename(city: City, name: str) -> None:
    Branding.objects.update(display_name=name.strip()[:120])
    generation_bump(BRANDING)  # a queryset update sends no signal


def register() -> None:
    hooks.validate.register("branding.primary_color", primary_color_validate, order=20)
    hooks.seed.register("branding", branding_seed, order=10)
    hooks.renamed.register("branding", branding_rename, order=10)
