"""Which schemas the fleet has, and what is pending in each: one statement for all of them.

Pending means "a tenant-app migration on disk is not recorded in the schema". Migrations of
public-only apps are recorded (as no-ops) in city schemas by whatever migration run comes next;
they never make a city pending on their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from .. import provisioning
from ..models import City
from ..provisioning import quote


def tenant_migrations_on_disk() -> list[tuple[str, str]]:
    """(app_label, name) of every migration of a tenant app, as the loader sees it."""
    labels = provisioning._tenant_app_labels()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(key for key in loader.disk_migrations if key[0] in labels)


@dataclass(frozen=True)
class FleetSchema:
    name: str
    has_migrations_table: bool


def fleet_schemas() -> list[FleetSchema]:
    """The template (first) and every city whose schema exists."""
    template = provisioning.template_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, "
            "to_regclass(quote_ident(n.nspname) || '.django_migrations') IS NOT NULL "
            "FROM pg_namespace n WHERE n.nspname <> 'public' AND (n.nspname = %s "
            f"OR n.nspname IN (SELECT schema_name FROM {City._meta.db_table})) "
            "ORDER BY n.nspname <> %s, n.nspname",
            [template, template],
        )
        return [FleetSchema(name, has_table) for name, has_table in cursor.fetchall()]


def pending_by_schema(
    schemas: Iterable[FleetSchema], disk: list[tuple[str, str]] | None = None
) -> dict[str, list[str]]:
    """{schema: ["app.name", ...]} for every schema with pending migrations, in one query:
    a UNION ALL with one branch per schema, listing the migrations on disk that its
    `django_migrations` table lacks.

    A schema without a django_migrations table has everything pending.
    """
    disk = tenant_migrations_on_disk() if disk is None else disk
    schemas = list(schemas)
    everything = [f"{app}.{name}" for app, name in disk]
    pending = {s.name: everything for s in schemas if not s.has_migrations_table and disk}
    queried = [s.name for s in schemas if s.has_migrations_table]
    if not queried or not disk:
        return pending
    branches = [
        "SELECT %s::text, array(SELECT d.app || '.' || d.name FROM disk d WHERE NOT EXISTS ("
        f"SELECT 1 FROM {quote(name)}.django_migrations m "
        "WHERE m.app = d.app AND m.name = d.name) ORDER BY 1)"
        for name in queried
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH disk(app, name) AS (SELECT * FROM unnest(%s::text[], %s::text[])) "
            + " UNION ALL ".join(branches),
            [[app for app, _ in disk], [name for _, name in disk], *queried],
        )
        pending.update({name: missing for name, missing in cursor.fetchall() if missing})
    return pending
