"""Base settings: development defaults, everything overridable from the environment.

Per-integration settings live in their own modules (tenancy, celery, sentry, stripe) and are
imported at the end of this file.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

# PATHS
BASE_DIR = Path(__file__).resolve().parents[3]  # the repository root
PROJECT_DIR = BASE_DIR / "platform" / "tremplin"

# SECURITY
DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
# Every host is accepted here because the tenant middleware answers 404 to any host that is not
# the base domain or a registered city domain, before any view runs.
ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# APPLICATIONS
# Apps whose tables live in the public schema.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets from PyPI, served locally
    "tremplin",
    "shared_apps.accounts",
    # Second factor: TOTP devices and recovery codes, next to the users (public and cities).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Lockouts (settings/auth.py); its cache handler keeps no rows, its tables stay empty.
    "axes",
    "shared_apps.geo",
    "shared_apps.console",
    "shared_apps.billing",
    "shared_apps.national",
    "shared_apps.network",
    "shared_apps.fleet",
]
# Apps whose tables live in every city's schema. accounts, auth, sessions and the second factor
# are in both lists: operators live in public, each city's staff and young people in that
# city's schema.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "shared_apps.accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tenant_apps.audit",
    "tenant_apps.branding",
    "tenant_apps.features",
    "tenant_apps.youth",
    "tenant_apps.catalogue",
    "tenant_apps.staff",
    "tenant_apps.matching",
    "tenant_apps.voice",
    "tenant_apps.portal",
    "tenant_apps.analytics",
    "tenant_apps.meetups",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

MIDDLEWARE = [
    # Content-Security-Policy on every response, the error pages below included
    # (settings/security.py); it touches neither the database nor the cache.
    "csp.middleware.CSPMiddleware",
    # PostgreSQL unreachable anywhere below → 503 + Retry-After, never a 500.
    "tenants.middleware.DatabaseUnavailableMiddleware",
    # Must come first after it: picks the city (schema + URL map) from the Host header.
    "tenants.middleware.CityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # A session that owes a second factor and has not given it is signed out.
    "shared_apps.accounts.middleware.TwoFactorMiddleware",
    # A suspended city: maintenance page for youth, read-only for staff (tenants/lifecycle.py).
    "tenants.middleware.SuspendedCityMiddleware",
    # A visit that came from a city's QR code (?src=qr-…) counts as a scan (analytics).
    "tenant_apps.analytics.middleware.ScanRecordingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A credential path past its rate limit: the French 429 page (settings/auth.py).
    "shared_apps.accounts.middleware.RateLimitedMiddleware",
    # Last: turns a sign-in refused by a lockout into the 429 page or JSON (settings/auth.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tremplin.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "tremplin.urls_public"
WSGI_APPLICATION = "tremplin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.city",
                "tenant_apps.branding.context_processors.branding",
                "tenant_apps.youth.context_processors.youth",
            ],
        },
    },
]

# DATABASES
if not env_str("DATABASE_URL", ""):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Run commands through manage.py (it starts the embedded "
        "PostgreSQL under ./var/) or set DATABASE_URL to a PostgreSQL server."
    )
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
# django-tenants' backend sets search_path to the current city's schema.
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHES
REDIS_URL = env_str("REDIS_URL", "")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is not set (manage.py starts the embedded Redis).")
# "default" keys start with the connection's schema: a key one city sets is not another's.
# "platform" is the same Redis without that: keys shared by every schema (host resolution,
# generation counters), reached through tenants.cache.platform_cache so a reader sees it.
# Both degrade to "no cache" while Redis is down (kernel/redis_cache.py): pages stay up.
REDIS_CACHE_OPTIONS = {
    # Bounded waits: a Redis that hangs costs a request one second, not a worker forever.
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CACHES = {
    "default": {
        "BACKEND": "kernel.redis_cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tremplin",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": REDIS_CACHE_OPTIONS,
    },
    "platform": {
        "BACKEND": "kernel.redis_cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tremplin",
        "OPTIONS": REDIS_CACHE_OPTIONS,
    },
    # Lockout and rate-limit counters (settings/auth.py), per schema like "default" but apart
    # from it: emptying a city's cache never lifts a lockout.
    "limits": {
        "BACKEND": "kernel.redis_cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tremplin-limits",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": REDIS_CACHE_OPTIONS,
    },
}

# AUTHENTICATION
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Host-only cookies: a session opened on grigny.<base> is never sent to gennevilliers.<base>.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Days a first-admin invitation link stays valid.
TREMPLIN_INVITATION_DAYS = 7

# INTERNATIONALISATION
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# STATIC FILES
STATIC_URL = "/static/"
# Front-end libraries from npm, installed by `make install` into var/node (never in the repo):
# Pannellum, the 360° viewer of structures' panoramas (portal/static/portal/panorama.js).
NODE_MODULES = BASE_DIR / "var" / "node" / "node_modules"
STATICFILES_DIRS = [
    (f"vendor/{name}", NODE_MODULES / name / "build")
    for name in ("pannellum",)
    if (NODE_MODULES / name / "build").is_dir()
]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))

# MEDIA (uploaded files: city logos, re-encoded by kernel/images.py). In production the proxy
# serves MEDIA_ROOT at /media/ (deploy/caddy/Caddyfile); Django serves it in DEBUG, or where
# no proxy does when TREMPLIN_SERVE_MEDIA is on (tremplin.views.media, same headers).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
TREMPLIN_SERVE_MEDIA = env_bool("TREMPLIN_SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Files readable by the proxy's user, folders too; never executable.
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-MAIL
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Tremplin <bonjour@tremplin.localhost>")
# For the SMTP backend. `manage.py up --demo` points them at its local mail sink.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
# The demo's mail sink stores what it receives in this Maildir, read at /_dev/mail/ on the
# platform's host (tremplin.devmail; DEBUG only). Empty: no mailbox page.
TREMPLIN_DEV_MAILDIR = env_str("TREMPLIN_DEV_MAILDIR", "")

# API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shared_apps.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the API's documentation is the OpenAPI schema and Swagger UI. DRF's browsable
    # HTML renderer also re-runs permission checks to draw its forms, outside the error handler.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # drf-spectacular's, with unique component names (tremplin/openapi.py).
    "DEFAULT_SCHEMA_CLASS": "tremplin.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kernel.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"auth": "30/minute"},
    # Throttles key on the client's address: REMOTE_ADDR, or the X-Forwarded-For entry our
    # own proxies wrote, never one the client sent (settings/auth.py; production.py too).
    "NUM_PROXIES": env_int("TREMPLIN_TRUSTED_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tremplin API",
    "DESCRIPTION": "Guichet unique jeunesse: operator API on the base domain, city API on "
    "<slug>.<base-domain>. Bearer tokens are valid only on the host that issued them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set used by several serializers (else "Kind5f6Enum").
    "ENUM_NAME_OVERRIDES": {
        "AdvisorKindEnum": "tenant_apps.matching.models.AdvisorKind",
        "OfferKindEnum": "shared_apps.offers.models.OfferKind",
        "ConsentKindEnum": "tenant_apps.youth.choices.ConsentKind",
    },
    # Every operation documents the error shape for the 4xx it can answer (tremplin/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tremplin.openapi.document_errors",
    ],
}

# BENCHMARKS
# /_bench/ceiling: a JSON view that touches neither the database nor the cache, the yardstick
# tests/bench/bench_load.py measures pages against. Off (404) unless this says so.
TREMPLIN_BENCH_CEILING = env_bool("TREMPLIN_BENCH_CEILING", False)

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

from .auth import *  # noqa: E402,F403
from .celery import *  # noqa: E402,F403
from .push import *  # noqa: E402,F403
from .security import *  # noqa: E402,F403
from .sentry import *  # noqa: E402,F403
from .stripe import *  # noqa: E402,F403
from .tenancy import *  # noqa: E402,F403

# Development over plain http only (base.py is the development settings): another city's
# host may serve a shared story's photo (settings/security.py). production.py undoes it.
if TREMPLIN_URL_SCHEME == "http":  # noqa: F405
    CONTENT_SECURITY_POLICY = csp_for_plain_http(  # noqa: F405
        CONTENT_SECURITY_POLICY,  # noqa: F405
        base_domain=TREMPLIN_BASE_DOMAIN,  # noqa: F405
        port=TREMPLIN_URL_PORT,  # noqa: F405
    )
