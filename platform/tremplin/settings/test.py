"""Settings for the pytest suite: the same embedded servers, faster and with boundaries replaced."""

import os

from tremplin import devstack

# Before base settings read DATABASE_URL / REDIS_URL: start (or reuse) the embedded servers.
# tests/conftest.py stops them at the end of the run if this process started them.
EMBEDDED_STACK = devstack.EmbeddedStack()
devstack.export_urls(EMBEDDED_STACK)

from .base import *  # noqa: E402, F403
from .base import CACHES, REDIS_URL  # noqa: E402

DEBUG = False
# One id per test run, inherited by the processes it starts (its Celery worker): two runs at
# once (or a run next to `make demo`) never share a database, a cache key or a task queue.
TEST_RUN_ID = os.environ.setdefault("TREMPLIN_TEST_RUN_ID", str(os.getpid()))
TEST_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + "/13"
# base.py's caches (schema-scoped "default", shared "platform") on the tests' Redis database.
CACHES = {
    alias: {
        **options,
        "LOCATION": TEST_REDIS_URL,
        "KEY_PREFIX": f"tremplin-test-{TEST_RUN_ID}",
        "TIMEOUT": 3600,
    }
    for alias, options in CACHES.items()
}
# Lockout and rate-limit counters under a prefix of their own: tests/conftest.py empties them
# before each test, so one test's sign-ins never count against the next one's.
CACHES["limits"]["KEY_PREFIX"] = f"tremplin-test-{TEST_RUN_ID}-limits"
# Console tests sign operators in with force_login, which gives no second factor;
# tests/shared_apps/accounts/test_two_factor.py switches the requirement on.
TREMPLIN_OPERATOR_2FA = False
CELERY_BROKER_URL = TEST_REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = f"tests-{TEST_RUN_ID}"
# The test worker starts fast; the few tests that compute amounts load OpenFisca when they do.
TREMPLIN_OPENFISCA_WARM_UP = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TREMPLIN_BASE_DOMAIN = "localhost"
TREMPLIN_URL_SCHEME = "http"
TREMPLIN_URL_PORT = "8000"
# No spare schemas unless a test asks for them (tests/tenants/test_provisioning.py).
TREMPLIN_SPARE_SCHEMAS = 0
# Rolled-back test data must never be served from a dashboard cached by an earlier test.
TREMPLIN_ANALYTICS_CACHE_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
DATABASES["default"]["TEST"] = {"NAME": f"test_tremplin_{TEST_RUN_ID}"}  # noqa: F405
