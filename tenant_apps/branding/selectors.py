"""Reads for a city's branding (current schema)."""

from __future__ import annotations

import copy
import pickle
import threading

from cachetools import LRUCache
from django.db import connection

from tenants.cache import platform_cache
from tenants.generations import generations

from .models import SOCIAL_NETWORKS, Branding, Page

BRANDING = "branding"  # the generation signals.py bumps on every branding or page write
CACHE_SECONDS = 3600
# Per process, in bytes of the pickled rows (~1 kB a city): bounded by size, not by cities.
PROCESS_BUDGET = 4 * 1024 * 1024
_local: LRUCache[str, tuple[str, Branding | None]] = LRUCache(
    PROCESS_BUDGET, getsizeof=lambda entry: len(pickle.dumps(entry[1]))
)
_lock = threading.Lock()


def branding_get() -> Branding | None:
    """The city's branding row, read once per branding generation: from this process, else
    from Redis, else with one query. A copy: changing it changes nothing cached."""
    schema = connection.schema_name
    version = generations.version([(BRANDING, schema)])
    if version is None:  # Redis unreachable
        return Branding.objects.first()
    with _lock:
        entry = _local.get(schema)
    if entry is None or entry[0] != version:
        key = f"branding:{schema}:{version}"
        stored = platform_cache.get(key)
        if isinstance(stored, tuple) and len(stored) == 1:
            branding = stored[0]
        else:
            branding = Branding.objects.first()
            platform_cache.set(key, (branding,), timeout=CACHE_SECONDS)
        entry = (version, branding)
        with _lock:
            _local[schema] = entry
    return copy.copy(entry[1])


def page_get(*, slug: str) -> Page | None:
    return Page.objects.filter(slug=slug).first()


def social_links_list(branding: Branding | None) -> list[tuple[str, str]]:
    """(label, url) pairs in a stable order."""
    links = (branding.social_links if branding else None) or {}
    return [(label, links[key]) for key, label in SOCIAL_NETWORKS.items() if links.get(key)]
