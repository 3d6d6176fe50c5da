"""Generation counters: what caches key their entries with, so that one write makes them stale.

A generation has a name (`catalogue`, `branding`, `portal`…) and a scope: one city (its schema
name), or EVERY_CITY for data every city reads (the national catalogue). Its value lives in Redis
(the platform cache: shared by every process and every schema); `generation_bump` increments it.
A write in Grigny bumps Grigny's counter only: nothing Gennevilliers cached goes stale.

Readers keep a value in their process for at most SYNC_SECONDS (one `get_many` per city and
half-second at most), so a write made in another process shows within a second, and at once in
the process that made it. A counter Redis lost (restart, eviction) comes back at a random value,
never at one an old cache entry may still carry.

Every version also carries the platform's epoch: `generations_reset()` makes every cache of
every city stale at once (the test suite does, between tests whose rows were rolled back).

Names in use: "catalogue" (offers, structures, national settings: matching.signals),
"branding" (branding, pages), "portal" (stories, registrations), "neighbourhoods" (youth),
"features" (a city's feature flags: tenants.features), "hosts" (a city's host resolutions) and
"hosts:unknown" (every host cached as unknown: tenants.resolution).

While Redis is unreachable `generations` answers None: callers then do not cache.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Sequence

from cachetools import LRUCache
from django.db import connection, transaction

from .cache import platform_cache

EVERY_CITY = "*"
EPOCH: tuple[str, str] = ("epoch", EVERY_CITY)
SYNC_SECONDS = 0.5
# (name, scope) pairs a process remembers: a few per city, ~100 bytes each.
MAX_REMEMBERED = 20_000

Generation = tuple[str, str]  # (name, scope)


def generation_key(name: str, scope: str) -> str:
    """The counter's key in the platform cache."""
    return f"{name}:generation" if scope == EVERY_CITY else f"{name}:generation:{scope}"


def current_scope() -> str:
    """The connection's city (schema name), or EVERY_CITY in the public schema."""
    schema = connection.schema_name
    return EVERY_CITY if schema == "public" else schema


class Generations:
    def __init__(self) -> None:
        self._seen: LRUCache[Generation, tuple[float, int]] = LRUCache(MAX_REMEMBERED)
        self._lock = threading.Lock()

    def get(self, pairs: Sequence[Generation]) -> tuple[int, ...] | None:
        """The current value of each (name, scope); None while Redis is unreachable."""
        now = time.monotonic()
        values: dict[Generation, int] = {}
        with self._lock:
            for pair in pairs:
                seen = self._seen.get(pair)
                if seen is not None and now - seen[0] < SYNC_SECONDS:
                    values[pair] = seen[1]
        missing = {generation_key(*pair): pair for pair in pairs if pair not in values}
        if missing:
            found = platform_cache.get_many(list(missing))
            if not _reachable():
                return None
            for key, pair in missing.items():
                value = found.get(key)
                if value is None:
                    platform_cache.add(key, _fresh(), timeout=None)
                    value = platform_cache.get(key)
                    if value is None:
                        return None
                values[pair] = value
            with self._lock:
                for pair in missing.values():
                    self._seen[pair] = (now, values[pair])
        return tuple(values[pair] for pair in pairs)

    def version(self, pairs: Sequence[Generation]) -> str | None:
        """One string naming the current value of every pair and the epoch; None while Redis
        is unreachable."""
        values = self.get([EPOCH, *pairs])
        return None if values is None else ".".join(map(str, values))

    def bump(self, name: str, scope: str) -> None:
        key = generation_key(name, scope)
        try:
            value = platform_cache.incr(key)
        except ValueError:  # no counter yet (or Redis unreachable)
            value = _fresh()
            platform_cache.set(key, value, timeout=None)
        with self._lock:
            self._seen[(name, scope)] = (time.monotonic(), value)

    def forget(self) -> None:
        """Drop what this process remembers (tests)."""
        with self._lock:
            self._seen.clear()


def _fresh() -> int:
    return secrets.randbits(48)


def _reachable() -> bool:
    is_reachable = getattr(platform_cache, "is_reachable", None)
    return is_reachable() if is_reachable is not None else True


generations = Generations()


def generations_reset() -> None:
    """Make every cached entry of every city stale (they expire on their own)."""
    generations.bump(*EPOCH)


def generation_bump(name: str, scope: str | None = None) -> None:
    """Make everything cached under `name` in `scope` (default: the connection's city) stale,
    now and again after the transaction commits (another process may have cached the old rows
    in between)."""
    scope = scope or current_scope()
    generations.bump(name, scope)
    transaction.on_commit(lambda: generations.bump(name, scope))
