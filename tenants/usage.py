"""Usage figures per city for the operator console: the one place that reads every city's
schema for counts. Read-only, explicit about the crossing, cached a few minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction

from .cache import platform_cache
from .context import in_city
from .models import City

CACHE_TTL = 300


@dataclass(frozen=True)
class CityUsage:
    users: int | None  # None: not measurable (schema missing)
    published_offers: int | None  # None: the catalogue app is not installed


def _count(city: City) -> CityUsage:
    User = get_user_model()  # the city's accounts (tenants imports no app)
    offer_model = (
        apps.get_model("catalogue", "Offer") if apps.is_installed("tenant_apps.catalogue") else None
    )
    try:
        with transaction.atomic(), in_city(city):  # savepoint: an error leaves no trace
            users = User.objects.count()
            offers = None
            if offer_model is not None:
                offers = offer_model.objects.filter(status="published").count()
    except DatabaseError:  # a city whose schema is gone or half-made
        return CityUsage(None, None)
    return CityUsage(users, offers)


def city_usage(*, city: City, fresh: bool = False) -> CityUsage:
    """Users in the city's schema and its published local offers (cached 5 minutes)."""
    if not city.is_serving:
        return CityUsage(None, None)
    key = f"tenants:usage:{city.pk}"  # platform-wide: the key names its city
    usage = None if fresh else platform_cache.get(key)
    if usage is None:
        usage = _count(city)
        platform_cache.set(key, usage, timeout=CACHE_TTL)
    return usage


def city_usage_many(*, cities: list[City]) -> dict[int, CityUsage]:
    """Usage for a page of cities: one cache round trip, then counts for the misses only."""
    keys = {f"tenants:usage:{city.pk}": city for city in cities if city.is_serving}
    found = platform_cache.get_many(list(keys))
    result = {city.pk: CityUsage(None, None) for city in cities}
    for key, city in keys.items():
        usage = found.get(key)
        if usage is None:
            usage = _count(city)
            platform_cache.set(key, usage, timeout=CACHE_TTL)
        result[city.pk] = usage
    return result
