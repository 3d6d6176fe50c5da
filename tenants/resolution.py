"""Host → city resolution, cached so a warm request costs no database query.

Two cache levels: a per-process dict, and Redis (shared by every process, and by every schema:
the platform cache). Each entry carries the generation it was built at (tenants/generations.py):
a city's hosts carry its own "hosts" generation, bumped when that city or one of its domains
changes (tenants/signals.py), so a write in Grigny never makes Gennevilliers' hosts stale; an
unknown host carries the one "hosts:unknown" generation, bumped when any domain is added or
renamed (the host it names may have been cached as unknown). Other processes see a bump within
SYNC_SECONDS. A miss is cached too, so a flood of requests for unknown hosts does not reach the
database. `invalidate()` still forgets every host of every city at once (a global counter in
every key, compared at most once a second): kept for tests and emergencies, no write calls it.

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
from collections.abc import Iterable
from dataclasses import dataclass

from cachetools import LRUCache, TTLCache
from django.conf import settings

from .cache import platform_cache
from .generations import EVERY_CITY, generation_bump, generations
from .models import City, Domain
from .validation import normalize_host

GENERATION_KEY = "tenants:hosts:generation"
# Generations (tenants/generations.py): a city's hosts (scope: its schema), unknown hosts (scope
# EVERY_CITY).
HOSTS = "hosts"
UNKNOWN_HOSTS = ("hosts:unknown", EVERY_CITY)
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
        # host -> (resolution, the generation version it was built at)
        self._entries: LRUCache[str, tuple[Resolution, str]] = LRUCache(maxsize=KNOWN_MAX)
        self._unknown: TTLCache[str, tuple[Resolution, str]] = TTLCache(
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
            cached = self._entries.get(host) or self._unknown.get(host)
        if cached is not None and cached[1] == _version_of(cached[0]):
            return cached[0]
        key = f"tenants:host:{generation}:{host}"
        cached = platform_cache.get(key)
        version = None
        if isinstance(cached, tuple) and len(cached) == 2:
            version = _version_of(cached[0])
        if version is not None and cached[1] == version:
            entry = cached[0]
        else:
            entry, version = _lookup_with_version(host)
            if version is None:  # Redis went away meanwhile: keep nothing
                return entry
            timeout = UNKNOWN_REDIS_TTL if entry.kind == "unknown" else REDIS_TTL
            platform_cache.set(key, (entry, version), timeout=timeout)
        with self._lock:
            if entry.kind == "unknown":
                self._unknown[host] = (UNKNOWN, version)
                entry = UNKNOWN
            else:
                self._entries[host] = (entry, version)
        return entry

    def size(self) -> int:
        """Hosts kept in this process, known and unknown."""
        with self._lock:
            self._unknown.expire()
            return len(self._entries) + len(self._unknown)

    def invalidate(self) -> None:
        """Forget every resolution of every city, in this process now and in the others within
        a second (tests, emergencies: a write calls `hosts_changed` for its own city)."""
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


def _version_of(resolution: Resolution) -> str | None:
    """The generation version an entry for `resolution` must carry to be current."""
    if resolution.city is None:
        return generations.version([UNKNOWN_HOSTS])
    return generations.version([(HOSTS, resolution.city.schema_name)])


def _lookup_with_version(host: str) -> tuple[Resolution, str | None]:
    """The host's row and the version to keep it under, read BEFORE the row: a write landing
    in between leaves what we keep stale at once, not current for an hour. The city is only
    known after a first read, so a known host costs a second one (a miss: once per host and
    hour for the whole platform)."""
    unknown_version = generations.version([UNKNOWN_HOSTS])
    entry = _lookup(host)
    if entry.city is None:
        return entry, unknown_version
    version = _version_of(entry)
    again = _lookup(host)
    if again.city is not None and again.city.schema_name == entry.city.schema_name:
        return again, version
    return again, None  # it changed under us: serve it, keep nothing


def hosts_changed(*, schema_names: Iterable[str] = (), unknown: bool = False) -> None:
    """Make the hosts of these cities stale (and the unknown hosts, when a host name may have
    started to answer), in every process; now and again after commit."""
    for schema_name in set(schema_names):
        generation_bump(HOSTS, schema_name)
    if unknown:
        generation_bump(*UNKNOWN_HOSTS)


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
