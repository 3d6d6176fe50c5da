"""Host → city: exact matches only, cached, invalidated when domains change."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import Domain
from tenants.resolution import PUBLIC, UNKNOWN, host_cache


def test_city_host_serves_that_city(client_for, grigny, gennevilliers):
    assert "Grigny" in client_for(grigny).get("/").content.decode()
    page = client_for(gennevilliers).get("/").content.decode()
    assert "Gennevilliers" in page and "Grigny" not in page


def test_public_host_lists_cities(client_for, grigny, public_host):
    page = client_for(public_host).get("/").content.decode()
    assert "http://grigny.localhost:8000/" in page and "Noisy-le-Sec" in page


def test_host_with_port_and_case_resolves(grigny):
    assert Client(HTTP_HOST="GRIGNY.localhost:8000").get("/").status_code == 200
    assert Client(HTTP_HOST="grigny.localhost.").get("/").status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "grigny.localhost.evil.com",
        "evil.com",
        "grigny.evil.com",
        "xgrigny.localhost",
        "grigny-localhost",
        "sub.grigny.localhost",
        "grigny.localhost@evil.com",
        "grigny.localhost/evil",
        "[::1]",
        "",
        "unknown-city.localhost",
    ],
)
def test_spoofed_and_unknown_hosts_get_a_404_page_and_no_city(db, grigny, host):
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Grigny" not in body and "aucune ville" in body.lower()


def test_api_on_unknown_host_is_404(db):
    assert Client(HTTP_HOST="evil.com").get("/api/v1/auth/token/").status_code == 404


def test_warm_cache_resolves_without_any_query(grigny, django_assert_num_queries):
    host_cache.resolve("grigny.localhost")  # warm
    with django_assert_num_queries(0):
        resolution = host_cache.resolve("grigny.localhost")
    assert resolution.city.slug == "grigny"
    with django_assert_num_queries(0):
        assert host_cache.resolve("localhost") is PUBLIC


def test_second_level_cache_is_shared_through_redis(grigny, django_assert_num_queries):
    host_cache.resolve("grigny.localhost")
    host_cache._entries.clear()  # what another process would start with
    with django_assert_num_queries(0):
        assert host_cache.resolve("grigny.localhost").city.slug == "grigny"


def test_unknown_hosts_are_cached_too(db, django_assert_num_queries):
    assert host_cache.resolve("nowhere.localhost") is UNKNOWN
    with django_assert_num_queries(0):
        assert host_cache.resolve("nowhere.localhost") is UNKNOWN


def test_adding_and_removing_a_domain_takes_effect(grigny):
    assert host_cache.resolve("jeunes.grigny.test") is UNKNOWN
    domain = Domain.objects.create(domain="jeunes.grigny.test", tenant=grigny)
    assert host_cache.resolve("jeunes.grigny.test").city.slug == "grigny"
    domain.delete()
    assert host_cache.resolve("jeunes.grigny.test") is UNKNOWN


def test_warm_page_request_needs_no_tenant_lookup_query(grigny):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="grigny.localhost")
    client.get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/connexion/").status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    # Only the schema switch and the page's own read (branding); no domain or city lookup.
    assert "tenants_domain" not in sql and "tenants_city" not in sql
    assert len(queries) <= 2


def test_health_answers_on_any_host(db):
    assert Client(HTTP_HOST="10.0.0.7").get("/healthz").json() == {"status": "ok"}
    ready = Client(HTTP_HOST="10.0.0.7").get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_a_change_to_one_city_leaves_every_other_citys_hosts_warm(
    grigny, gennevilliers, django_assert_num_queries
):
    from tenants.generations import generations
    from tenants.resolution import HostCache

    other = HostCache()  # warmed like another worker's
    for cache in (host_cache, other):
        cache.resolve("grigny.localhost")
        cache.resolve("gennevilliers.localhost")
    grigny.name = "Grigny-sur-Orge"
    grigny.save()
    Domain.objects.create(domain="jeunes.grigny.test", tenant=grigny)
    generations.forget()  # what any process knows once its half-second is up
    with django_assert_num_queries(0):
        for cache in (host_cache, other):
            assert cache.resolve("gennevilliers.localhost").city.slug == "gennevilliers"
    # Grigny's own hosts are read again, in this process and in the other one.
    for cache in (host_cache, other):
        resolution = cache.resolve("grigny.localhost")
        assert resolution.city.name == "Grigny-sur-Orge"
        assert "jeunes.grigny.test" in {d.domain for d in resolution.city.domains.all()}


def test_every_process_sees_a_domain_added_moved_renamed_or_removed(grigny, gennevilliers):
    from tenants.generations import generations
    from tenants.resolution import HostCache

    other = HostCache()  # another worker's
    assert other.resolve("jeunes.grigny.test") is UNKNOWN  # cached as unknown
    domain = Domain.objects.create(domain="jeunes.grigny.test", tenant=grigny)
    generations.forget()
    assert other.resolve("jeunes.grigny.test").city.slug == "grigny"
    domain.tenant = gennevilliers
    domain.save()
    generations.forget()
    assert other.resolve("jeunes.grigny.test").city.slug == "gennevilliers"
    domain.domain = "jeunes.gennevilliers.test"
    domain.save()
    generations.forget()
    assert other.resolve("jeunes.grigny.test") is UNKNOWN
    assert other.resolve("jeunes.gennevilliers.test").city.slug == "gennevilliers"
    domain.delete()
    generations.forget()
    assert other.resolve("jeunes.gennevilliers.test") is UNKNOWN
