"""The diagnostic's figures cached in Redis per (city, filters, rollup generation).

A city's generation is a random token replaced whenever its rollups or its population snapshot
are rebuilt (`figures_changed`), at once and again when the transaction commits, so a cached
dashboard never outlives the figures it was computed from. Labels that do not come from the
rollups (offer titles, neighbourhood names) may lag by TREMPLIN_ANALYTICS_CACHE_SECONDS at most.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

DEFAULT_SECONDS = 600


def cache_seconds() -> int:
    return int(getattr(settings, "TREMPLIN_ANALYTICS_CACHE_SECONDS", DEFAULT_SECONDS))


def _generation_key(schema_name: str) -> str:
    return f"analytics:generation:{schema_name}"


def _new_generation(schema_name: str) -> None:
    cache.set(_generation_key(schema_name), uuid.uuid4().hex, timeout=None)


def figures_changed() -> None:
    """The current city's rollups were rebuilt: forget its cached dashboards."""
    schema_name = connection.schema_name
    _new_generation(schema_name)
    transaction.on_commit(lambda: _new_generation(schema_name))


def cached(parts: tuple, compute: Callable[[], dict]) -> dict:
    """compute() for the current city and these filter parts, from the cache when it can."""
    seconds = cache_seconds()
    if seconds <= 0:
        return compute()
    schema_name = connection.schema_name
    generation = cache.get(_generation_key(schema_name))
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(_generation_key(schema_name), generation, timeout=None):
            generation = cache.get(_generation_key(schema_name), generation)
    key = "analytics:diagnostic:" + ":".join([schema_name, generation, *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value
