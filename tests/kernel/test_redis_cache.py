"""The Redis cache degrades to no cache while Redis cannot be reached, then comes back."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from kernel import redis_cache
from kernel.redis_cache import ResilientRedisCache


def dead_cache() -> ResilientRedisCache:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return ResilientRedisCache(f"redis://127.0.0.1:{port}/0", {"KEY_PREFIX": "t"})


def test_an_unreachable_redis_answers_like_an_empty_cache():
    cache = dead_cache()
    assert cache.get("k", "default") == "default"
    assert cache.is_reachable() is False
    cache.set("k", 1)
    assert cache.add("lock", 1) is False  # nobody believes they hold a lock they don't
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]  # reported as not stored
    assert cache.delete("k") is False and cache.has_key("k") is False
    with pytest.raises(ValueError):
        cache.incr("counter")  # what callers already handle for a missing key
    assert cache.get_or_set("k", 5) == 5
    assert cache.ping() == "ConnectionError"


def test_while_down_it_stops_trying_then_tries_again(monkeypatch):
    cache = dead_cache()
    calls = []
    real_get = cache._cache.get

    def counting_get(*args):
        calls.append(args)
        return real_get(*args)

    monkeypatch.setattr(cache._cache, "get", counting_get)
    now = [1000.0]
    monkeypatch.setattr(redis_cache.time, "monotonic", lambda: now[0])
    for _ in range(5):
        cache.get("k")
    assert len(calls) == 1  # one refused connection, then the breaker answers
    now[0] += redis_cache.RETRY_SECONDS
    cache.get("k")
    assert len(calls) == 2


def test_a_reachable_redis_behaves_like_djangos_backend():
    cache = ResilientRedisCache(settings.CACHES["platform"]["LOCATION"], {"KEY_PREFIX": "rc-t"})
    try:
        assert cache.ping() is None and cache.is_reachable()
        assert cache.add("k", 1) is True and cache.add("k", 2) is False
        assert cache.incr("k") == 2 and cache.get("k") == 2
    finally:
        cache.delete("k")


def test_every_thread_of_a_process_learns_the_outage_at_once():
    """Django gives each thread its own cache object (runserver: one thread per request): a
    hanging Redis must cost one timeout per process, not one per request."""
    first = dead_cache()
    second = ResilientRedisCache(first._servers[0], {"KEY_PREFIX": "t"})
    first.get("k")
    assert second.is_reachable() is False
