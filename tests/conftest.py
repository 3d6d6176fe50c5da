"""Test harness: real embedded PostgreSQL and Redis, three fixture cities for the whole session,
every test rolled back, and helpers to talk to a given host.

Fixture cities are named like Zulip names its users: `grigny`, `gennevilliers`, `noisy`.
"""

from __future__ import annotations

import base64
import functools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import token_create, user_create, user_delete
from tenants import provisioning
from tenants.context import in_city
from tenants.lifecycle import city_drop
from tenants.models import City
from tenants.resolution import host_cache
from tenants.services import city_onboard

FIXTURE_CITIES = {
    "grigny": dict(name="Grigny", slug="grigny", insee="91286", primary_color="#0B5FA5"),
    "gennevilliers": dict(
        name="Gennevilliers", slug="gennevilliers", insee="92036", primary_color="#A4262C"
    ),
    "noisy": dict(name="Noisy-le-Sec", slug="noisy-le-sec", insee="93053", primary_color="#1B6E3A"),
}
PASSWORD = "un mot de passe solide"


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the embedded servers if this test run started them: nothing is left running."""
    stack = getattr(settings, "EMBEDDED_STACK", None)
    if stack is not None and stack.registered:
        from django.db import connections

        connections.close_all()
        stack.release()


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """Create the test database (always: pytest-django would skip it when only `committed`
    tests run, and they would then hit the development database), build the template and
    onboard the fixture cities."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        db_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        assert connection.settings_dict["NAME"].startswith("test_")
        provisioning.ensure_template()
        for spec in FIXTURE_CITIES.values():
            city_onboard(admin_email=f"staff@{spec['slug']}.test", **spec)
    yield
    with django_db_blocker.unblock():
        from django.db import connections

        test_db = connection.settings_dict["NAME"]
        connections.close_all()
        # A process the run started (a worker, a server, a forked migrator) may still be
        # connected while it shuts down: the database cannot be dropped under it.
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [test_db],
            )
        teardown_databases(db_config, verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_tenancy_state() -> Iterator[None]:
    """Each test starts in public with empty process caches (its DB rows are rolled back)."""
    from tenant_apps.matching.candidates import candidate_cache
    from tenants.generations import generations_reset

    host_cache.invalidate()
    candidate_cache.invalidate()
    generations_reset()  # cached pages and branding of rolled-back rows
    yield
    connection.set_schema_to_public()
    host_cache.invalidate()
    candidate_cache.invalidate()
    generations_reset()


@pytest.fixture(autouse=True)
def _no_earlier_attempts() -> None:
    """Each test starts with no lockout and no rate-limit count (the "limits" cache, on the
    tests' Redis under this run's own prefix: settings/test.py)."""
    from django.core.cache import caches
    from kernel.redis_cache import UNREACHABLE

    limits = caches["limits"]
    try:
        client = limits._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"*{limits.key_prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    except UNREACHABLE:  # a test that pointed the caches at a closed port (test_degraded)
        pass


def _city(slug: str) -> City:
    return City.objects.prefetch_related("domains").get(slug=slug)


@pytest.fixture
def grigny(db) -> City:
    return _city("grigny")


@pytest.fixture
def gennevilliers(db) -> City:
    return _city("gennevilliers")


@pytest.fixture
def noisy(db) -> City:
    return _city("noisy-le-sec")


def host_of(city: City) -> str:
    return f"{city.slug}.{settings.TREMPLIN_BASE_DOMAIN}"


@pytest.fixture
def public_host() -> str:
    return settings.TREMPLIN_BASE_DOMAIN


@pytest.fixture
def client_for(db):
    """client_for(city_or_host) -> a Django test Client that sends that Host header."""

    def make(target: City | str) -> Client:
        host = target if isinstance(target, str) else host_of(target)
        return Client(HTTP_HOST=host)

    return make


@pytest.fixture
def api_for(db):
    """api_for(city_or_host, token=None) -> a DRF APIClient on that host."""

    def make(target: City | str, token: str | None = None) -> APIClient:
        host = target if isinstance(target, str) else host_of(target)
        client = APIClient(HTTP_HOST=host)
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def make_user(db):
    """make_user(city_or_None, email, role) -> User created in that city's schema (or public)."""

    def make(city: City | None, email: str, role: str = Role.YOUTH) -> User:
        if city is None:
            return user_create(email=email, role=role, password=PASSWORD)
        with in_city(city):
            return user_create(email=email, role=role, password=PASSWORD)

    return make


@pytest.fixture
def operator(db) -> User:
    return user_create(email="ops@tremplin.test", role=Role.OPERATOR, password=PASSWORD)


@pytest.fixture
def operator_token(operator: User) -> str:
    return token_create(user=operator)


# Committed data and a real Celery worker, for the few tests whose behaviour crosses processes.


@pytest.fixture
def committed(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Database access without the per-test transaction; removes the cities and operators
    the test created (never use together with `db`)."""
    with django_db_blocker.unblock():
        cities_before = set(City.objects.values_list("pk", flat=True))
        users_before = set(User.objects.values_list("pk", flat=True))
        try:
            yield
        finally:
            connection.set_schema_to_public()
            for city in City.objects.exclude(pk__in=cities_before):
                city_drop(
                    city=city, by="tests", confirm_slug=city.slug, dangerously_skip_archive=True
                )
            for user in User.objects.exclude(pk__in=users_before):
                user_delete(user=user)


# Web Push in the processes the tests start (the browser tests' server, the worker): a VAPID pair
# made once per run, and endpoints accepted only on a loopback fake push service's path
# (tests/browser/test_done_when.py runs one). The test process itself keeps push off.
E2E_PUSH_PATH = "/e2e-push/"


@functools.cache
def push_process_env() -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "TREMPLIN_VAPID_PUBLIC_KEY": b64(public),
        "TREMPLIN_VAPID_PRIVATE_KEY": b64(key.private_numbers().private_value.to_bytes(32, "big")),
        "TREMPLIN_PUSH_SERVICES": f"http://127.0.0.1:*{E2E_PUSH_PATH}*",
    }


def _test_database_url() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen]:
    """A real `celery worker` process on the test database and the tests' Redis database."""
    from tremplin.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tremplin.settings.test",
        "DATABASE_URL": _test_database_url(),
        **push_process_env(),
    }
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tremplin.celery:app", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "--without-mingle", "--without-gossip",
         "-Q", queue, "-n", f"{queue}@%h"],
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    name = f"{queue}@{socket.gethostname()}"
    while not app.control.ping(destination=[name], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("The Celery worker did not start.")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
