"""The matching candidates (tenant_apps.matching.candidates): one generation per city, shared
through Redis so a new worker starts warm, kept in each process within a byte budget."""

from __future__ import annotations

import pickle

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenant_apps.matching.candidates import CandidateCache, candidate_cache, candidates_for_city
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_national, make_offer


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_a_write_in_one_city_never_rebuilds_another(grigny, gennevilliers):
    with in_city(gennevilliers):
        make_offer(title="Atelier CV")
        candidates_for_city(gennevilliers)
        assert _queries(lambda: candidates_for_city(gennevilliers)) == 0
    with in_city(grigny):
        make_offer(title="Seulement à Grigny")
        assert "Seulement à Grigny" in {c.title for c in candidates_for_city(grigny)}
    with in_city(gennevilliers):
        assert _queries(lambda: candidates_for_city(gennevilliers)) == 0
        assert "Seulement à Grigny" not in {c.title for c in candidates_for_city(gennevilliers)}


def test_a_national_offer_reaches_every_city(grigny, gennevilliers):
    for city in (grigny, gennevilliers):
        with in_city(city):
            candidates_for_city(city)
    make_national(title="Pass Culture", scope="national")
    for city in (grigny, gennevilliers):
        with in_city(city):
            assert "Pass Culture" in {c.title for c in candidates_for_city(city)}


def test_a_new_worker_starts_warm_from_redis(grigny):
    with in_city(grigny):
        make_offer(title="Job d'été")
        built = candidates_for_city(grigny)
        fresh_worker = CandidateCache()  # an empty process cache, as after a restart
        with CaptureQueriesContext(connection) as queries:
            loaded = fresh_worker.get(grigny)
    assert len(queries) == 0
    assert loaded == built


def test_the_process_cache_is_bounded_by_bytes_not_cities(grigny, gennevilliers, noisy):
    with in_city(grigny):
        for i in range(30):
            make_offer(title=f"Offre {i}")
    cities = (grigny, gennevilliers, noisy)
    roomy = CandidateCache(budget=64 * 1024 * 1024)
    for city in cities:
        with in_city(city):
            roomy.get(city)
    assert roomy.cached_cities() == 3
    # A budget smaller than Grigny's list: the small cities stay, Grigny is not kept.
    with in_city(grigny):
        size = len(pickle.dumps(roomy.get(grigny)))
    tight = CandidateCache(budget=size)
    for city in cities:
        with in_city(city):
            tight.get(city)
    assert tight.cached_cities() < 3
    with in_city(grigny):
        assert {c.title for c in tight.get(grigny)} >= {"Offre 0", "Offre 29"}  # from Redis


def test_invalidating_a_city_keeps_the_others(grigny, gennevilliers):
    for city in (grigny, gennevilliers):
        with in_city(city):
            candidates_for_city(city)
    candidate_cache.invalidate(grigny.schema_name)
    with in_city(gennevilliers):
        assert _queries(lambda: candidates_for_city(gennevilliers)) == 0
    with in_city(grigny):
        assert _queries(lambda: candidates_for_city(grigny)) > 0
