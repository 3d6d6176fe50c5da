"""Production settings: refuse to start without a secret key, secure cookies, no debug."""

from . import security
from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str, link_settings

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")  # raises ImproperlyConfigured when unset
if SECRET_KEY.startswith("dev-only"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a real secret in production.")

# Links are https on the standard port unless TREMPLIN_BASE_URL (or the variables) say otherwise.
TREMPLIN_BASE_DOMAIN, TREMPLIN_URL_SCHEME, TREMPLIN_URL_PORT = link_settings(
    default_scheme="https", default_port=""
)
# The policy of settings/security.py, without the plain-http image origin of development.
CONTENT_SECURITY_POLICY = security.CONTENT_SECURITY_POLICY
# SECURITY: `manage.py check --deploy` passes with these defaults (tests/tremplin/test_deploy.py).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The proxy redirects too; this catches a request that reached the web port over plain HTTP.
# false only while custom domains are served over plain HTTP (deploy/caddy/Caddyfile).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
# Probes and Caddy's TLS "ask" request talk to the web port directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^internal/tls/ask$"]
# HSTS, one year, city subdomains included. 0 turns it off: only while some host has no
# publicly trusted certificate (Caddy's internal CA), since browsers then refuse to bypass
# the warning for as long as max-age says.
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Uploaded files are the proxy's to serve (deploy/caddy/Caddyfile) unless told otherwise.
TREMPLIN_SERVE_MEDIA = env_bool("TREMPLIN_SERVE_MEDIA", False)
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)  # noqa: F405
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

# CLIENT ADDRESS: one proxy (Caddy, or the Kubernetes ingress) stands in front of the web port
# in the shipped deployments; set TREMPLIN_TRUSTED_PROXIES to how many really do.
TREMPLIN_TRUSTED_PROXIES = env_int("TREMPLIN_TRUSTED_PROXIES", 1)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": TREMPLIN_TRUSTED_PROXIES}  # noqa: F405

# STRIPE: with billing on, webhooks must be verified; without their secret, anyone could post
# a `past_due` event and suspend a city.
if STRIPE_SECRET_KEY and not STRIPE_WEBHOOK_SECRET.strip():  # noqa: F405
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: set the webhook's "
        "signing secret (whsec_…), or unset STRIPE_SECRET_KEY to turn billing off."
    )
