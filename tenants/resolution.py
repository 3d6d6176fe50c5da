"""Host → city resolution, cached so a warm request costs no database query.

Two cache levels: a per-process dict, and Redis (shared by every process, and by every schema:
the platform cache). Any change to a
domain or a city bumps a generation number in Redis; each process compares its generation with
Redis at most once a second and drops its dict when it moved. A miss is cached too, so a flood of
requests for unknown hosts does not reach the database.

Both levels are bounded, whatever hosts a client makes up: in the process, known hosts (one
entry per domain row at most) and unknown ones live in two LRU caches of their own, so a flood
of random hosts evicts only other unknown hosts, never a city; an unknown host is kept
UNKNOWN_TTL seconds in the process and UNKNOWN_REDIS_TTL in Redis (known ones REDIS_TTL), so a
flood costs at most UNKNOWN_MAX process entries and the Redis keys of its last minute.

While Redis is unreachable (the platform cache then answers misses, see kernel/redis_cache.py)
every host is looked up in the database and nothing is kept in the process: an invalidation
made meanwhile by another process could not reach this one, so nothing stale is served.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from cachetools import LRUCache, TTLCache
from django.conf import settings

from .cache import platform_cache
from .models import City, Domain
from .validation import normalize_host

GENERATION_KEY = "tenants:hosts:generation"
REDIS_TTL = 3600
SYNC_EVERY_SECONDS = 1.0
# Process caches: known hosts (cities and their extra domains) and unknown ones, apart.
KNOWN_MAX = 10_000
UNKNOWN_MAX = 1_000
UNKNOWN_TTL = 30.0
# An unknown host's Redis key: long enough to share a repeated miss between processes, short
# enough that a flood of made-up hosts leaves only its last minute of keys behind.
UNKNOWN_REDIS_TTL = 60


@dataclass(frozen=True)
class Resolution:
    """What a host is: the platform's own host, a city, or nothing."""

    kind: str  # "public" | "city" | "unknown"
    city: City | None = None


PUBLIC = Resolution("public")
UNKNOWN = Resolution("unknown")


class HostCache:
    def __init__(self, *, timer=time.monotonic) -> None:
        self._entries: LRUCache[str, Resolution] = LRUCache(maxsize=KNOWN_MAX)
        self._unknown: TTLCache[str, Resolution] = TTLCache(
            maxsize=UNKNOWN_MAX, ttl=UNKNOWN_TTL, timer=timer
        )
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
                self._clear()
                self._generation = None
            return None
        with self._lock:
            if generation != self._generation:
                self._clear()
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
        with self._lock:
            entry = self._entries.get(host) or self._unknown.get(host)
        if entry is not None:
            return entry
        key = f"tenants:host:{generation}:{host}"
        entry = platform_cache.get(key)
        if entry is None:
            entry = _lookup(host)
            timeout = UNKNOWN_REDIS_TTL if entry is UNKNOWN else REDIS_TTL
            platform_cache.set(key, entry, timeout=timeout)
        with self._lock:
            if entry.kind == "unknown":
                entry = self._unknown[host] = UNKNOWN
            else:
                self._entries[host] = entry
        return entry

    def size(self) -> int:
        """Hosts kept in this process, known and unknown."""
        with self._lock:
            self._unknown.expire()
            return len(self._entries) + len(self._unknown)

    def invalidate(self) -> None:
        """Forget every resolution, in this process now and in the others within a second."""
        try:
            platform_cache.incr(GENERATION_KEY)
        except ValueError:
            platform_cache.set(GENERATION_KEY, 2, timeout=None)
        with self._lock:
            self._clear()
            self._generation = None

    def _clear(self) -> None:
        self._entries.clear()
        self._unknown.clear()


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
