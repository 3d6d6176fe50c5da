"""The host cache is bounded: a flood of made-up hosts costs at most UNKNOWN_MAX entries in
the process and Redis keys that expire within UNKNOWN_REDIS_TTL; cities are never evicted."""

from __future__ import annotations

import uuid

from tenants import resolution
from tenants.cache import platform_cache
from tenants.resolution import UNKNOWN, HostCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def redis_ttl(cache: HostCache, host: str) -> int:
    """Seconds left on the host's Redis key (-2: no such key)."""
    key = platform_cache.make_and_validate_key(f"tenants:host:{cache.generation()}:{host}")
    return platform_cache._cache.get_client(key).ttl(key)


def test_a_flood_of_random_hosts_keeps_the_process_cache_bounded(db, grigny, monkeypatch):
    monkeypatch.setattr(resolution, "UNKNOWN_MAX", 200)
    cache = HostCache()
    cache.resolve("grigny.localhost")
    for _ in range(1_000):
        assert cache.resolve(f"{uuid.uuid4().hex}.localhost") is UNKNOWN
    assert cache.size() <= 200 + 1


def test_a_flood_never_evicts_a_city(db, grigny, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(resolution, "UNKNOWN_MAX", 50)
    cache = HostCache()
    cache.resolve("grigny.localhost")
    for _ in range(200):
        cache.resolve(f"{uuid.uuid4().hex}.example.org")
    with django_assert_num_queries(0):
        assert cache.resolve("grigny.localhost").city.slug == "grigny"


def test_an_unknown_host_is_forgotten_after_its_short_ttl(db, django_assert_num_queries):
    clock = Clock()
    cache = HostCache(timer=clock)
    assert cache.resolve("nowhere.localhost") is UNKNOWN
    with django_assert_num_queries(0):
        assert cache.resolve("nowhere.localhost") is UNKNOWN
    clock.now += resolution.UNKNOWN_TTL + 1
    assert cache.size() == 0
    # Still answered from Redis (no query) until its own, longer, TTL runs out.
    with django_assert_num_queries(0):
        assert cache.resolve("nowhere.localhost") is UNKNOWN


def test_unknown_hosts_redis_keys_expire_soon_known_ones_later(db, grigny):
    cache = HostCache()
    host = f"{uuid.uuid4().hex}.localhost"
    cache.resolve(host)
    cache.resolve("grigny.localhost")
    assert 0 < redis_ttl(cache, host) <= resolution.UNKNOWN_REDIS_TTL
    assert redis_ttl(cache, "grigny.localhost") > resolution.UNKNOWN_REDIS_TTL


def test_a_new_domain_for_a_cached_unknown_host_takes_effect(grigny):
    from tenants.models import Domain

    cache = HostCache()
    assert cache.resolve("jeunes.grigny.test") is UNKNOWN
    Domain.objects.create(domain="jeunes.grigny.test", tenant=grigny)  # the signal: no more
    assert cache.resolve("jeunes.grigny.test").city.slug == "grigny"
