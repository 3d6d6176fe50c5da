"""Reads about cities (public schema)."""

from __future__ import annotations

from django.db.models import QuerySet
from kernel.errors import NotFound

from .models import City, CityStatus


def city_list_public() -> QuerySet[City]:
    """Cities shown on the platform's home page."""
    return City.objects.filter(status=CityStatus.ACTIVE).prefetch_related("domains")


def city_get_by_slug(*, slug: str) -> City:
    city = City.objects.prefetch_related("domains").filter(slug=slug).first()
    if city is None:
        raise NotFound(f"Aucune ville « {slug} ».")
    return city
