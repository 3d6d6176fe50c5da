"""Fleet migrations: bring every city schema (and the onboarding template) up to date.

`migrate_fleet` (the command is a thin wrapper):

1. takes a PostgreSQL advisory lock on a connection of its own, so two runs never overlap
   (locks.py);
2. finds the schemas with pending tenant migrations in ONE statement: a UNION ALL over every
   city schema and the template, each branch listing the tenant-app migrations on disk that
   its `django_migrations` table lacks (pending.py);
3. migrates only those, in N forked worker processes, each with its own database connection
   (runner.py). A worker keeps one connection, and works out once per "applied set" (what a
   schema has recorded) the loader, the consistency check, the plan and the project states
   (plan.py), instead of paying django-tenants' per-schema cost (a new connection, a new
   migration loader, the whole project state rendered twice) for each schema: a schema then
   costs a `SET search_path`, one read of its django_migrations and its migrations' DDL, each
   recorded in its own transaction (apply.py);
4. records a failure (its first error line) and carries on with the other schemas (report.py);
5. stamps the template with the migrations' fingerprint once it is up to date, so onboarding
   keeps copying it instead of rebuilding it (runner.py).

Every migration runs in its own transaction and is recorded as it commits, so a re-run resumes
where a failed or interrupted run stopped: schemas already up to date are not touched.

Pending means "a tenant-app migration on disk is not recorded in the schema". Migrations of
public-only apps are recorded (as no-ops) in city schemas by whatever migration run comes next;
they never make a city pending on their own.
"""

from __future__ import annotations

from .apply import migrate_one_schema
from .locks import FLEET_LOCK_KEY, FleetLocked
from .pending import FleetSchema, fleet_schemas, pending_by_schema, tenant_migrations_on_disk
from .report import FAILED, MIGRATED, FleetReport, SchemaOutcome
from .runner import default_parallel, migrate_fleet

__all__ = [
    "FAILED",
    "FLEET_LOCK_KEY",
    "MIGRATED",
    "FleetLocked",
    "FleetReport",
    "FleetSchema",
    "SchemaOutcome",
    "default_parallel",
    "fleet_schemas",
    "migrate_fleet",
    "migrate_one_schema",
    "pending_by_schema",
    "tenant_migrations_on_disk",
]
