"""The two caches: `django.core.cache.cache` is the current city's, `platform_cache` everyone's.

The default cache's keys start with the connection's schema (django-tenants' `make_key`, set in
settings), so `cache.set("x", …)` in Grigny and in Gennevilliers are two keys, and a city's
cached data is never served to another. A key that must mean the same thing in every schema
(host resolution, generation counters bumped from one schema and read in all, figures about a
city read from the operator's host) goes to `platform_cache` instead, by name, so a reader sees
each key shared across cities.
"""

from __future__ import annotations

from django.core.cache import caches
from django.utils.connection import ConnectionProxy

PLATFORM_CACHE_ALIAS = "platform"

platform_cache = ConnectionProxy(caches, PLATFORM_CACHE_ALIAS)
