"""The default cache is the current city's; the platform cache, named as such, is everyone's."""

from __future__ import annotations

from django.core.cache import cache

from tenants.cache import platform_cache
from tenants.context import in_city

KEY = "tests:tenancy-probe"


def test_the_same_key_in_two_cities_holds_two_values(grigny, gennevilliers):
    try:
        with in_city(grigny):
            cache.set(KEY, "grigny")
        with in_city(gennevilliers):
            assert cache.get(KEY) is None
            cache.set(KEY, "gennevilliers")
        with in_city(grigny):
            assert cache.get(KEY) == "grigny"
        with in_city(gennevilliers):
            assert cache.get(KEY) == "gennevilliers"
        assert cache.get(KEY) is None  # nor is it the platform host's
    finally:
        for city in (grigny, gennevilliers):
            with in_city(city):
                cache.delete(KEY)


def test_the_platform_cache_is_shared_by_every_schema(grigny, gennevilliers):
    try:
        with in_city(grigny):
            platform_cache.set(KEY, "partagé")
        with in_city(gennevilliers):
            assert platform_cache.get(KEY) == "partagé"
        assert platform_cache.get(KEY) == "partagé"
        with in_city(grigny):
            assert cache.get(KEY) is None  # two caches, two keys
    finally:
        platform_cache.delete(KEY)


def test_generations_bumped_in_one_city_are_seen_in_every_other(grigny, gennevilliers):
    """Host resolution and the catalogue's candidates count generations on the platform cache:
    a catalogue write in Grigny (or a domain change) reaches every city's processes."""
    from tenant_apps.matching.candidates import GENERATION_KEY, candidate_cache
    from tenants.resolution import host_cache

    with in_city(gennevilliers):
        hosts_before = host_cache.generation()
        catalogue_before = platform_cache.get(GENERATION_KEY) or 0
    with in_city(grigny):
        host_cache.invalidate()
        candidate_cache.invalidate()
    with in_city(gennevilliers):
        assert host_cache.generation() == hosts_before + 1
        assert platform_cache.get(GENERATION_KEY) == catalogue_before + 1
