"""Fleet migrations: bring every city schema (and the onboarding template) up to date.

`migrate_fleet` (the command is a thin wrapper):

1. takes a PostgreSQL advisory lock on a connection of its own, so two runs never overlap;
2. finds the schemas with pending tenant migrations in ONE statement: a UNION ALL over every
   city schema and the template, each branch listing the tenant-app migrations on disk that
   its `django_migrations` table lacks;
3. migrates only those, in N forked worker processes, each with its own database connection.
   A worker keeps one connection, and works out once per "applied set" (what a schema has
   recorded) the loader, the consistency check, the plan and the project states, instead of
   paying django-tenants' per-schema cost (a new connection, a new migration loader, the whole
   project state rendered twice) for each schema: a schema then costs a `SET search_path`, one
   read of its django_migrations and its migrations' DDL, each recorded in its own transaction;
4. records a failure (its first error line) and carries on with the other schemas;
5. stamps the template with the migrations' fingerprint once it is up to date, so onboarding
   keeps copying it instead of rebuilding it.

Every migration runs in its own transaction and is recorded as it commits, so a re-run resumes
where a failed or interrupted run stopped: schemas already up to date are not touched.

Pending means "a tenant-app migration on disk is not recorded in the schema". Migrations of
public-only apps are recorded (as no-ops) in city schemas by whatever migration run comes next;
they never make a city pending on their own.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import time
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import (
    AlterModelOptions,
    CreateModel,
    DeleteModel,
    RenameModel,
)
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState, ProjectState
from django.db.models.signals import post_migrate, pre_migrate
from django.utils import timezone

from . import provisioning
from .models import City
from .provisioning import quote

# Arbitrary constant for pg_try_advisory_lock: one fleet migration at a time, across machines.
FLEET_LOCK_KEY = 7_351_020_002

MIGRATED = "migrated"
FAILED = "failed"


class FleetLocked(RuntimeError):
    """Another fleet migration holds the lock."""


@dataclass(frozen=True)
class SchemaOutcome:
    schema: str
    status: str  # MIGRATED or FAILED
    applied: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0


@dataclass
class FleetReport:
    checked: int = 0
    up_to_date: list[str] = field(default_factory=list)
    outcomes: list[SchemaOutcome] = field(default_factory=list)
    template_stamped: bool = False
    seconds: float = 0.0

    @property
    def migrated(self) -> list[SchemaOutcome]:
        return [o for o in self.outcomes if o.status == MIGRATED]

    @property
    def failed(self) -> list[SchemaOutcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed


# Which schemas, and what is pending in them.


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
    """{schema: ["app.name", ...]} for every schema with pending migrations, in one query.

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


# Migrating one schema (in a worker process).
#
# The schemas of a fleet are nearly all at the same point, so a worker works out once per
# "applied set" (the migrations recorded in a schema) everything that does not depend on the
# schema itself: the loader and graph, the consistency check, the plan, the project state before
# it and, for plans made only of SQL operations, the state before and after each operation. A
# schema then costs what it must: setting its search_path, reading its django_migrations, running
# each migration's DDL in its own transaction and recording it there.


@dataclass
class _CachedPlan:
    """What migrating any schema at one applied set takes; built once per worker."""

    loader: MigrationLoader
    plan: list  # [(Migration, False)]; the graph's own objects, never handed to receivers
    pre_state: ProjectState  # rendered
    # [(migration, [(operation, from_state, to_state)])] when every operation is plain SQL
    # and pre_migrate's receivers are Django's own; None: apply per schema as Django does.
    steps: list | None
    post_state: ProjectState | None  # with steps: the state after the plan
    needs_post_migrate: bool
    # Squashed migrations to record once the plan is applied (Django's check_replacements).
    replacements: tuple[tuple[str, str], ...]


_plan_cache: dict[frozenset, _CachedPlan] = {}
_PLAN_CACHE_SIZE = 4  # fleets are homogeneous; states are large
# Above this many operations a plan (a never-migrated schema) is applied per schema, as Django
# does, rather than holding a rendered state per operation.
_MAX_CACHED_OPERATIONS = 64


def _receivers_are_djangos(signal) -> bool:
    for entry in signal.receivers:
        receiver = entry[1]
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if receiver is not None and not getattr(receiver, "__module__", "").startswith(
            "django.contrib."
        ):
            return False
    return True


# post_migrate's receivers are Django's own (content types and permissions), which only have
# work when a model appears, disappears, is renamed or changes its permissions. They cost two
# queries per installed app and per schema (most of a schema's time for an added column), so a
# plan without such an operation skips them, unless some other receiver is connected.
_MODEL_SET_OPERATIONS = (CreateModel, DeleteModel, RenameModel, AlterModelOptions)


def _only_django_post_migrate_receivers() -> bool:
    return _receivers_are_djangos(post_migrate)


def _needs_post_migrate(plan) -> bool:
    changes_models = any(
        isinstance(operation, _MODEL_SET_OPERATIONS)
        for migration, _backwards in plan
        for operation in migration.operations
    )
    return changes_models or not _only_django_post_migrate_receivers()


def _fresh_copies(plan) -> list:
    """The plan's migrations with their own operation lists: pre_migrate receivers insert
    operations in place (contenttypes adds RenameContentType after each RenameModel)."""
    copies = []
    for migration, backwards in plan:
        migration = copy.copy(migration)
        migration.operations = list(migration.operations)
        copies.append((migration, backwards))
    return copies


def _emit_pre_migrate(pre_state: ProjectState, plan) -> None:
    emit_pre_migrate_signal(0, False, connection.alias, apps=pre_state.apps.clone(), plan=plan)


def _plain_sql(operation) -> bool:
    """True if the operation only runs SQL: no Python (RunPython, contenttypes' renames) that
    could keep something of one schema (a historical manager's cache) for the next."""
    inner = getattr(operation, "database_operations", None)  # SeparateDatabaseAndState
    if inner is not None:
        return all(map(_plain_sql, inner))
    return operation.reduces_to_sql


def _forget_content_types(state: ProjectState) -> None:
    """Historical models are shared by the clones of a state, hence across schemas: empty the
    historical ContentType manager's cache, as set_schema does for the real one."""
    try:
        model = state.apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return
    clear_cache = getattr(model._default_manager, "clear_cache", None)
    if clear_cache is not None:
        clear_cache()


def _operation_states(pre_state: ProjectState, plan) -> tuple[list, ProjectState]:
    """The state before and after each operation, as Migration.apply computes them."""
    steps = []
    state = pre_state.clone()
    for migration, _backwards in plan:
        operations = []
        for operation in migration.operations:
            after = state.clone()
            operation.state_forwards(migration.app_label, after)
            operations.append((operation, state, after))
            state = after
        steps.append((migration, operations))
    return steps, state


def _build_plan(applied: frozenset) -> _CachedPlan:
    """Loader, consistency check and plan for the schema on the connection (whose recorded
    migrations are `applied`), and what can be computed once for every schema like it."""
    executor = MigrationExecutor(connection)
    loader = executor.loader
    loader.check_consistent_history(connection)
    plan = executor.migration_plan(loader.graph.leaf_nodes())
    if any(backwards for _migration, backwards in plan):  # never for leaf targets
        raise RuntimeError("Unexpected backwards migration plan.")
    pre_state = executor._create_project_state(with_applied_migrations=True)
    pre_state.apps  # noqa: B018 - render once, clones share the rendering
    done = set(applied)
    for migration, _backwards in plan:
        done.update(migration.replaces or [(migration.app_label, migration.name)])
    replacements = tuple(
        key
        for key, migration in loader.replacements.items()
        if key not in done and all(replaced in done for replaced in migration.replaces)
    )
    cached = _CachedPlan(
        loader=loader,
        plan=plan,
        pre_state=pre_state,
        steps=None,
        post_state=None,
        needs_post_migrate=_needs_post_migrate(plan),
        replacements=replacements,
    )
    if plan and _receivers_are_djangos(pre_migrate):
        # Django's only pre_migrate receiver edits the plan the same way for every city
        # schema: send it once, on copies, and keep its result.
        shared = _fresh_copies(plan)
        _emit_pre_migrate(pre_state, shared)
        operations = [op for migration, _b in shared for op in migration.operations]
        if len(operations) <= _MAX_CACHED_OPERATIONS and all(map(_plain_sql, operations)):
            cached.steps, cached.post_state = _operation_states(pre_state, shared)
            cached.needs_post_migrate = _needs_post_migrate(shared)
    if len(_plan_cache) >= _PLAN_CACHE_SIZE:
        _plan_cache.clear()
    _plan_cache[applied] = cached
    return cached


def _applied_in(schema_name: str, *, has_migrations_table: bool) -> frozenset:
    """The migrations recorded in the schema's own django_migrations (created if missing)."""
    if not has_migrations_table:
        # The recorder must see the schema's own django_migrations, never public's.
        connection.set_schema(schema_name, include_public=False)
        MigrationRecorder(connection).ensure_schema()
    connection.set_schema(schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {quote(schema_name)}.django_migrations")
        return frozenset(cursor.fetchall())


def _record(schema_name: str, keys: Iterable[tuple[str, str]]) -> None:
    keys = list(keys)
    if not keys:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(schema_name)}.django_migrations (app, name, applied) VALUES "
            + ", ".join(["(%s, %s, %s)"] * len(keys)),
            [value for app, name in keys for value in (app, name, now)],
        )


def _recorded_keys(migration) -> list[tuple[str, str]]:
    # A squashed migration records what it replaces, as Django's executor does.
    return list(migration.replaces) or [(migration.app_label, migration.name)]


def _run_operation(migration, operation, editor, from_state, to_state) -> None:
    """One operation's database side, exactly as Migration.apply runs it."""
    atomic_operation = operation.atomic or (migration.atomic and operation.atomic is not False)
    if not editor.atomic_migration and atomic_operation:
        with transaction.atomic(editor.connection.alias):
            operation.database_forwards(migration.app_label, editor, from_state, to_state)
    else:
        operation.database_forwards(migration.app_label, editor, from_state, to_state)


def _apply_migration(schema_name: str, migration, run) -> None:
    """Run `run(editor)` in the migration's transaction and record it there, as Django's
    executor does (after the transaction when the editor deferred SQL)."""
    recorded = False
    with connection.schema_editor(atomic=migration.atomic) as editor:
        run(editor)
        if not editor.deferred_sql:
            _record(schema_name, _recorded_keys(migration))
            recorded = True
    if not recorded:
        _record(schema_name, _recorded_keys(migration))


def migrate_one_schema(schema_name: str, *, has_migrations_table: bool = True) -> tuple[str, ...]:
    """Apply every unapplied migration to `schema_name` on the current connection.

    What Django's `migrate` does, as django-tenants runs it for one schema (the tenant router
    decides which operations touch the schema; all are recorded), minus the per-schema
    reconnect, loader and rendering. Returns the applied migrations.
    """
    try:
        applied = _applied_in(schema_name, has_migrations_table=has_migrations_table)
        cached = _plan_cache.get(applied) or _build_plan(applied)
        if cached.steps is not None:
            for migration, operations in cached.steps:

                def run(editor, migration=migration, operations=operations):
                    for operation, from_state, to_state in operations:
                        _run_operation(migration, operation, editor, from_state, to_state)

                _apply_migration(schema_name, migration, run)
            post_state = cached.post_state
            if cached.needs_post_migrate:
                post_state = post_state.clone()
        elif cached.plan:
            plan = _fresh_copies(cached.plan)
            _forget_content_types(cached.pre_state)
            _emit_pre_migrate(cached.pre_state, plan)
            state = cached.pre_state.clone()
            for migration, _backwards in plan:

                def run(editor, migration=migration):
                    nonlocal state
                    state = migration.apply(state, editor)

                _apply_migration(schema_name, migration, run)
            post_state = state
        _record(schema_name, cached.replacements)
        if not cached.plan:
            return ()
        if cached.needs_post_migrate:
            _emit_post_migrate(post_state, cached.plan)
        return tuple(f"{m.app_label}.{m.name}" for m, _backwards in cached.plan)
    finally:
        connection.set_schema_to_public()


def _emit_post_migrate(post_state: ProjectState, plan) -> None:
    """As `migrate` does: re-render unmigrated apps' models, then send post_migrate."""
    post_state.clear_delayed_apps_cache()
    post_apps = post_state.apps
    with post_apps.bulk_update():
        model_keys = []
        for model_state in post_apps.real_models:
            key = model_state.app_label, model_state.name_lower
            model_keys.append(key)
            post_apps.unregister_model(*key)
    post_apps.render_multiple(
        [ModelState.from_model(global_apps.get_model(*key)) for key in model_keys]
    )
    # Content types and permissions of new models, in this schema.
    emit_post_migrate_signal(0, False, connection.alias, apps=post_apps, plan=plan)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()


def _migrate_in_worker(schema_name: str, has_migrations_table: bool = True) -> SchemaOutcome:
    started = time.monotonic()
    try:
        applied = migrate_one_schema(schema_name, has_migrations_table=has_migrations_table)
    except Exception as exc:  # one city's failure is reported, never raised
        if not connection.is_usable():
            connection.close()
        return SchemaOutcome(
            schema=schema_name,
            status=FAILED,
            error=_first_line(exc),
            seconds=time.monotonic() - started,
        )
    return SchemaOutcome(
        schema=schema_name,
        status=MIGRATED,
        applied=applied,
        seconds=time.monotonic() - started,
    )


def _worker_init() -> None:
    """Forget (without closing) connections inherited from the parent: they are its own."""
    for conn in connections.all(initialized_only=True):
        conn.connection = None
    _plan_cache.clear()


# The run.


class _FleetLock:
    """A session-level advisory lock on a connection of its own, held for the whole run."""

    def __init__(self) -> None:
        self.conn = connections.create_connection(DEFAULT_DB_ALIAS)

    def __enter__(self) -> _FleetLock:
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [FLEET_LOCK_KEY])
            acquired = cursor.fetchone()[0]
        if not acquired:
            self.conn.close()
            raise FleetLocked(
                "Another fleet migration is running (advisory lock held); try again when it ends."
            )
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            with self.conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FLEET_LOCK_KEY])
        finally:
            self.conn.close()


def default_parallel() -> int:
    return max(1, os.cpu_count() or 1)


def _run_pool(
    schemas: list[FleetSchema], parallel: int, on_outcome: Callable[[SchemaOutcome], None]
) -> list[SchemaOutcome]:
    # Children are forked: they inherit settings (tests override some) and loaded code, and
    # must not share the parent's connection.
    connection.close()
    outcomes: list[SchemaOutcome] = []
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=min(parallel, len(schemas)), mp_context=context, initializer=_worker_init
    ) as pool:
        futures = {
            pool.submit(_migrate_in_worker, schema.name, schema.has_migrations_table): schema.name
            for schema in schemas
        }
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except BrokenProcessPool as exc:  # a worker died (killed, out of memory)
                outcome = SchemaOutcome(
                    schema=futures[future], status=FAILED, error=_first_line(exc)
                )
            outcomes.append(outcome)
            on_outcome(outcome)
    return outcomes


def migrate_fleet(
    *,
    parallel: int | None = None,
    on_outcome: Callable[[SchemaOutcome], None] | None = None,
) -> FleetReport:
    """Migrate every schema with pending tenant migrations. Raises FleetLocked if a run is
    already going on; failures of single schemas are in the report, never raised."""
    started = time.monotonic()
    parallel = default_parallel() if parallel is None else max(1, parallel)
    on_outcome = on_outcome or (lambda outcome: None)
    report = FleetReport()
    with _FleetLock():
        template = provisioning.template_schema()
        if not provisioning.schema_exists(template):
            provisioning.ensure_template()
        schemas = fleet_schemas()
        report.checked = len(schemas)
        pending = pending_by_schema(schemas)
        report.up_to_date = [s.name for s in schemas if s.name not in pending]
        if pending:
            todo = [s for s in schemas if s.name in pending]
            report.outcomes = _run_pool(todo, parallel, on_outcome)
        template_failed = any(o.schema == template for o in report.failed)
        if not template_failed and not provisioning.template_is_current():
            if template in pending and not pending_by_schema([FleetSchema(template, True)]):
                _stamp_template()
            else:  # up to date, yet stamped for other sources: a migration file was edited
                provisioning.ensure_template(force=True)
            report.template_stamped = True
    report.outcomes.sort(key=lambda o: o.schema)
    report.seconds = time.monotonic() - started
    return report


def _stamp_template() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"COMMENT ON SCHEMA {quote(provisioning.template_schema())} IS %s",
            [provisioning.TEMPLATE_COMMENT_PREFIX + provisioning.current_fingerprint()],
        )
    provisioning._script_cache.clear()


__all__ = [
    "FleetLocked",
    "FleetReport",
    "FleetSchema",
    "SchemaOutcome",
    "fleet_schemas",
    "migrate_fleet",
    "pending_by_schema",
]
