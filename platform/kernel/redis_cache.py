"""A Redis cache that degrades to no cache while Redis does not answer, instead of raising.

Every cache read in a request (host resolution, feature flags, throttles, cached figures) would
otherwise turn a Redis restart into a 500 on every page. While Redis is unreachable a read is a
miss, a write is dropped (`add` answers False: nothing was stored, so nobody holds a lock it
did not get; `incr` raises ValueError, as for a missing key), and callers fall back to the
database. After a failure the cache stops trying for `RETRY_SECONDS`, so an outage costs one
refused connection (or one timeout, when Redis hangs) per process every few seconds, not one
per call. That state is per process and server, shared by the threads (Django gives each
thread its own cache object, and a development server a thread per request).

Callers that must know (host resolution drops its in-process copy, /readyz reports it) ask
`is_reachable()` or `ping()`. Errors other than "cannot reach Redis" still raise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# BusyLoadingError (Redis still loading its append-only file) is a ConnectionError too.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 5.0

T = TypeVar("T")


class _Outage:
    """What this process knows of one Redis server (shared by every thread)."""

    def __init__(self) -> None:
        self.until = 0.0
        self.reported = False


_outages: dict[str, _Outage] = {}


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._state = _outages.setdefault(str(server), _Outage())

    def is_reachable(self) -> bool:
        """False while the last attempt to reach Redis failed less than RETRY_SECONDS ago."""
        return time.monotonic() >= self._state.until

    def ping(self) -> str | None:
        """Ask Redis now, whatever the last attempt said: None if it answers, else the error."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as exc:
            self._went_down(exc)
            return exc.__class__.__name__
        self._came_back()
        return None

    def _went_down(self, exc: BaseException) -> None:
        self._state.until = time.monotonic() + RETRY_SECONDS
        if not self._state.reported:
            self._state.reported = True
            logger.warning("Redis unreachable (%s): serving without the cache", exc)

    def _came_back(self) -> None:
        self._state.until = 0.0
        if self._state.reported:
            self._state.reported = False
            logger.warning("Redis answers again: cache back in use")

    def _try(self, call: Callable[..., T], fallback: T, *args: Any) -> T:
        if not self.is_reachable():
            return fallback
        try:
            result = call(*args)
        except UNREACHABLE as exc:
            self._went_down(exc)
            return fallback
        if self._state.reported:
            self._came_back()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._try(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None) -> Any:
        return self._try(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._try(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._try(super().touch, False, key, timeout, version)

    def delete(self, key, version=None) -> bool:
        return self._try(super().delete, False, key, version)

    def get_many(self, keys, version=None) -> dict:
        return self._try(super().get_many, {}, keys, version)

    def has_key(self, key, version=None) -> bool:
        return self._try(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None) -> int:
        value = self._try(super().incr, None, key, delta, version)
        if value is None:
            raise ValueError(f"Key {key!r} not found (Redis unreachable).")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        return self._try(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None) -> None:
        self._try(super().delete_many, None, keys, version)

    def clear(self) -> bool:
        return self._try(super().clear, False)
