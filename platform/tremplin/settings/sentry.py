"""Sentry error reporting, on only when SENTRY_DSN is set."""

from .env import env_str

# SENTRY
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "development")

if SENTRY_DSN:
    from tremplin.observability import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)
