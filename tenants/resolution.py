"""Host → city resolution, cached so a warm request costs no database query.

Two cache levels: a per-process dict, and Redis (shared by every process, and by every schema:
the platform cache). Any change to a
domain or a city bumps a generation number in Redis; each process compares its generation with
Redis at most once a second and drops its dict when it moved. A miss is cached too, so a flood of
requests for unknown hosts does not reach the database.

While Redis is unreachable (the platform cache then answers misses, see kernel/redis_cache.py)
every host is looked up in the database and nothing is kept in the process: an invalidation
made meanwhile by another process could not reach this one, so nothing stale is served.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings

from .cache import platform_cache
from .models import City, Domain
from .validation import normalize_host

GENERATION_KEY = "tenants:hosts:generation"
REDIS_TTL = 3600
SYNC_EVERY_SECONDS = 1.0


@dataclass(frozen=True)
class Resolution:
    """What a host is: the platform's own host, a city, or nothing."""

    kind: str  # "public" | "city" | "unknown"
    city: City | None = None


PUBLIC = Resolution("public")
UNKNOWN = Resolution("unknown")


class HostCache:
    def __init__(self) -> None:
        self._entries: dict[str, Resolution] = {}
        self._generation: int | None = None
        self._synced_at = 0.0
        self._lock = threading.Lock()

    def _sync(self) -> int | None:
        """The shared generation, or None while Redis is unreachable."""
        now = time.monotonic()
        if self._generation is not None and now - self._synced_at < SYNC_EVERY_SECONDS:
            return self._generation
        generation = platform_cache.get(GENERATION_KEY)
        if generation is None:
            platform_cache.add(GENERATION_KEY, 1, timeout=None)
            generation = platform_cache.get(GENERATION_KEY) or 1
        if not _platform_cache_reachable():
            with self._lock:
                self._entries.clear()
                self._generation = None
            return None
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._generation = generation
            self._synced_at = now
        return generation

    def generation(self) -> int:
        """The current generation (changes on every invalidation); at most one cache read/s."""
        return self._sync() or 0

    def resolve(self, host: str) -> Resolution:
        host = normalize_host(host)
        if not host:
            return UNKNOWN
        if host == settings.TREMPLIN_BASE_DOMAIN:
            return PUBLIC
        generation = self._sync()
        if generation is None:
            return _lookup(host)
        entry = self._entries.get(host)
        if entry is not None:
            return entry
        key = f"tenants:host:{generation}:{host}"
        entry = platform_cache.get(key)
        if entry is None:
            entry = _lookup(host)
            platform_cache.set(key, entry, timeout=REDIS_TTL)
        self._entries[host] = entry
        return entry

    def invalidate(self) -> None:
        """Forget every resolution, in this process now and in the others within a second."""
        try:
            platform_cache.incr(GENERATION_KEY)
        except ValueError:
            platform_cache.set(GENERATION_KEY, 2, timeout=None)
        with self._lock:
            self._entries.clear()
            self._generation = None


def _platform_cache_reachable() -> bool:
    is_reachable = getattr(platform_cache, "is_reachable", None)
    return is_reachable() if is_reachable is not None else True


def _lookup(host: str) -> Resolution:
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    if domain is None:
        return UNKNOWN
    city = domain.tenant
    # Prefetch domains so `city.url` needs no query while serving a request.
    city._prefetched_objects_cache = {"domains": list(city.domains.all())}
    return Resolution("city", city)


host_cache = HostCache()
