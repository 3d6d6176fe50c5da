"""Degrade, don't crash: Redis or PostgreSQL down gives slower pages or a 503, never a 500.

Redis down is a closed port (a fresh CACHES pointing there, and the Celery broker too); a real
Redis restart runs on a redis-server of the test's own (tests/tremplin/test_devstack.py starts
and stops those), never on the shared one. PostgreSQL down is the connection's port pointed at
a closed one for a few requests, then put back: the next request is served again, with nothing
restarted. A real PostgreSQL restart is in `make chaos` (tests/chaos).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import kombu.pools
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from kernel.redis_cache import RETRY_SECONDS
from tremplin.celery import app as celery_app

from shared_apps.accounts.models import Role
from tenants.models import City, CityStatus
from tenants.resolution import host_cache
from tests.conftest import PASSWORD, host_of


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def caches_at(location: str) -> dict:
    return {alias: {**options, "LOCATION": location} for alias, options in settings.CACHES.items()}


@pytest.fixture
def redis_down() -> Iterator[str]:
    """The cache and the broker point at a closed port; the host resolution starts cold."""
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(CACHES=caches_at(dead)), _broker_at(dead):
        host_cache.invalidate()
        yield dead
    host_cache.invalidate()


class _broker_at:
    """Point the Celery app at another broker for a while (its pools are rebuilt)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _reset(self, url: str) -> None:
        celery_app.conf.broker_url = url
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        # kombu's global producer registry still points at the closed pool: forget it too, or
        # every task sent later in this process fails with "Acquire on closed pool".
        kombu.pools.reset()

    def __enter__(self) -> None:
        self.previous = celery_app.conf.broker_url
        self._reset(self.url)

    def __exit__(self, *exc) -> None:
        self._reset(self.previous)


# Redis down


def test_city_pages_and_api_are_served_from_the_database_with_redis_down(
    redis_down, grigny, make_user, api_for, django_assert_max_num_queries
):
    make_user(grigny, "lea@grigny.test")
    client = Client(HTTP_HOST=host_of(grigny))
    for _ in range(2):  # the second request finds no cache either: nothing stale is kept
        page = client.get("/")
        assert page.status_code == 200 and "Grigny" in page.content.decode()
    assert host_cache._entries == {}
    token = api_for(grigny).post(
        "/api/v1/auth/token/", {"email": "lea@grigny.test", "password": PASSWORD}, format="json"
    )
    assert token.status_code == 200  # the throttle's cache is down too: allowed, not a 500
    api = api_for(grigny, token.json()["token"])
    for path in ("/api/v1/me/profile/", "/api/v1/me/feed/", "/api/v1/offers/"):
        assert api.get(path).status_code == 200, path


def test_sign_in_works_with_redis_down(redis_down, grigny, make_user):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    make_user(grigny, "lea@grigny.test", Role.YOUTH)
    client = Client(HTTP_HOST=host_of(grigny))
    signed_in = client.post("/connexion/", {"username": "lea@grigny.test", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/mon-compte/").status_code == 200


def test_readyz_names_redis_when_it_is_down(redis_down, grigny):
    ready = Client(HTTP_HOST=host_of(grigny)).get("/readyz")
    assert ready.status_code == 503 and ready["Retry-After"]
    assert ready.json()["down"] == ["redis"]
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["redis"].startswith("error: ")


def test_onboarding_through_the_api_answers_202_with_the_broker_down(
    redis_down, operator_token, api_for, public_host, django_capture_on_commit_callbacks
):
    body = {"name": "Sevran", "slug": "sevran", "insee": "93071", "admin_email": "a@sevran.test"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_for(public_host, operator_token).post("/api/v1/cities/", body, format="json")
    assert response.status_code == 202 and callbacks  # the task was attempted, not sent
    # Left `provisioning`: the sweeper (tenants.tasks.resume_stalled_provisioning) resumes it.
    assert City.objects.get(slug="sevran").status == CityStatus.PROVISIONING


def test_pages_keep_serving_across_a_real_redis_restart(tmp_path, grigny):
    from tremplin.devstack import EmbeddedRedis

    redis = EmbeddedRedis(tmp_path)
    port = redis.start()
    client = Client(HTTP_HOST=host_of(grigny))
    try:
        with override_settings(CACHES=caches_at(f"redis://127.0.0.1:{port}/0")):
            host_cache.invalidate()
            assert client.get("/").status_code == 200
            assert client.get("/readyz").status_code == 200
            redis.stop()
            assert client.get("/").status_code == 200
            assert client.get("/readyz").json()["down"] == ["redis"]
            assert redis.start() == port  # same port: the processes find it again
            assert client.get("/readyz").status_code == 200
            # Within RETRY_SECONDS each cache tries Redis again: the host cache is back.
            deadline = time.monotonic() + 2 * RETRY_SECONDS
            while not host_cache._entries and time.monotonic() < deadline:
                assert client.get("/").status_code == 200
                time.sleep(0.1)
            assert host_cache._entries
    finally:
        redis.stop()
        host_cache.invalidate()


# PostgreSQL down


@pytest.fixture
def postgres_down(committed) -> Iterator[None]:
    """New connections go to a closed port until the fixture ends (then they work again)."""
    host_cache.invalidate()  # host lookups must reach the database
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(closed_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


def _grigny_host() -> str:
    return f"grigny.{settings.TREMPLIN_BASE_DOMAIN}"


@pytest.mark.parametrize("path", ["/", "/connexion/", "/offres/"])
def test_postgres_down_gives_the_french_maintenance_page(postgres_down, path):
    response = Client(HTTP_HOST=_grigny_host(), raise_request_exception=False).get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Service momentanément indisponible" in body and 'lang="fr"' in body


def test_postgres_down_gives_the_json_error_on_the_api(postgres_down):
    client = Client(HTTP_HOST=_grigny_host(), raise_request_exception=False)
    response = client.post("/api/v1/auth/token/", {"email": "a@b.test", "password": "x"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "service_unavailable"
    public = Client(
        HTTP_HOST=settings.TREMPLIN_BASE_DOMAIN,
        HTTP_AUTHORIZATION="Bearer some-token",  # checking it needs the database
        raise_request_exception=False,
    )
    assert public.get("/api/v1/cities/").json()["error"]["code"] == "service_unavailable"


@override_settings(DEBUG=True)
def test_postgres_down_is_a_503_in_debug_too(postgres_down):
    """`make demo` runs with DEBUG: the maintenance page, not Django's yellow 500 page."""
    response = Client(HTTP_HOST=_grigny_host(), raise_request_exception=False).get("/")
    assert response.status_code == 503


def test_readyz_names_the_database_when_it_is_down(postgres_down):
    ready = Client(HTTP_HOST=_grigny_host(), raise_request_exception=False).get("/readyz")
    assert ready.status_code == 503 and ready.json()["down"] == ["database"]


def test_service_comes_back_by_itself_when_postgres_does(committed):
    client = Client(HTTP_HOST=_grigny_host(), raise_request_exception=False)
    port = connection.settings_dict["PORT"]
    assert client.get("/").status_code == 200
    host_cache.invalidate()
    connection.close()
    connection.settings_dict["PORT"] = str(closed_port())
    try:
        assert client.get("/").status_code == 503
    finally:
        connection.settings_dict["PORT"] = port  # the server is back; nothing restarted
    assert client.get("/").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_a_failing_query_is_still_a_500_not_a_maintenance_page(db, grigny):
    """Only "cannot reach PostgreSQL" is a 503: a bug stays visible as a 500."""
    from django.db import OperationalError

    from tenants.middleware import database_unavailable

    class LockTimeout(Exception):
        sqlstate = "55P03"

    error = OperationalError("could not obtain lock")
    error.__cause__ = LockTimeout()
    assert not database_unavailable(error)
    assert database_unavailable(OperationalError("connection refused"))
