"""Multi-tenancy: one PostgreSQL schema per city (django-tenants)."""

from .env import env_int, env_str

# TENANCY
TENANT_MODEL = "tenants.City"
TENANT_DOMAIN_MODEL = "tenants.Domain"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Skip the SET search_path round-trip when the schema did not change since the last query.
TENANT_LIMIT_SET_CALLS = True
# The operator's host; each city is served at <slug>.<base domain>.
TREMPLIN_BASE_DOMAIN = env_str("TREMPLIN_BASE_DOMAIN", "localhost").lower().strip(".")
# How absolute links to a city are written (e-mails, API `url` fields, printed by commands).
TREMPLIN_URL_SCHEME = env_str("TREMPLIN_URL_SCHEME", "http")
TREMPLIN_URL_PORT = env_str("TREMPLIN_URL_PORT", "8000")
# Seconds a process keeps a resolved host in memory before asking Redis again.
TREMPLIN_HOST_CACHE_SECONDS = 30
# Name of the pre-migrated schema new cities are copied from.
TREMPLIN_TEMPLATE_SCHEMA = "_city_template"
# Copies of the template kept ready so that onboarding is a schema rename (refilled by Celery).
TREMPLIN_SPARE_SCHEMAS = env_int("TREMPLIN_SPARE_SCHEMAS", 2)
# At most this many notifications (inbox messages) a young person receives in 7 days.
TREMPLIN_NOTIFICATIONS_PER_WEEK = env_int("TREMPLIN_NOTIFICATIONS_PER_WEEK", 3)
