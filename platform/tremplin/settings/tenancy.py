"""Multi-tenancy: one PostgreSQL schema per city (django-tenants)."""

from .env import env_bool, env_int, env_list, env_str, link_settings

# TENANCY
TENANT_MODEL = "tenants.City"
TENANT_DOMAIN_MODEL = "tenants.Domain"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Skip the SET search_path round-trip when the schema did not change since the last query.
TENANT_LIMIT_SET_CALLS = True
# The operator's host; each city is served at <slug>.<base domain>. Absolute links to a city
# (e-mails, API `url` fields, printed by commands: tenants.models.build_url) are written with
# TREMPLIN_URL_SCHEME and TREMPLIN_URL_PORT. TREMPLIN_BASE_URL ("https://jeunes.example.fr")
# gives all three at once; a variable set on its own still wins. `manage.py up --port N` sets
# TREMPLIN_URL_PORT to N for itself and the processes it starts.
TREMPLIN_BASE_DOMAIN, TREMPLIN_URL_SCHEME, TREMPLIN_URL_PORT = link_settings(
    default_scheme="http", default_port="8000"
)
# Seconds a process keeps a resolved host in memory before asking Redis again.
TREMPLIN_HOST_CACHE_SECONDS = 30
# Name of the pre-migrated schema new cities are copied from.
TREMPLIN_TEMPLATE_SCHEMA = "_city_template"
# Copies of the template kept ready so that onboarding is a schema rename (refilled by Celery).
TREMPLIN_SPARE_SCHEMAS = env_int("TREMPLIN_SPARE_SCHEMAS", 2)
# At most this many notifications (inbox messages) a young person receives in 7 days.
TREMPLIN_NOTIFICATIONS_PER_WEEK = env_int("TREMPLIN_NOTIFICATIONS_PER_WEEK", 3)
# Key that signs city archives (export_city / import_city, HMAC-SHA256 of the manifest); empty:
# derived from SECRET_KEY. Platforms that exchange archives share it.
TREMPLIN_ARCHIVE_KEY = env_str("TREMPLIN_ARCHIVE_KEY", "")
# CUSTOM DOMAINS
# DNS servers ("host" or "host:port") that check a custom domain's TXT record before it can be
# made primary or get a certificate; empty: the machine's resolvers (/etc/resolv.conf).
TREMPLIN_DNS_NAMESERVERS = env_list("TREMPLIN_DNS_NAMESERVERS", [])
# /internal/tls/ask (Caddy's on-demand TLS permission) refuses requests that came through the
# reverse proxy (they carry X-Forwarded-For): only Caddy itself, calling the web port, is served.
TREMPLIN_TLS_ASK_INTERNAL_ONLY = env_bool("TREMPLIN_TLS_ASK_INTERNAL_ONLY", True)
