"""The run: lock, find what is pending, migrate it in forked workers, re-stamp the template.

A worker keeps one database connection and reports each schema's outcome; one city's failure
is recorded (its first error line) and never stops the others.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from django.db import connection, connections

from .. import provisioning
from ..provisioning import quote
from .apply import migrate_one_schema
from .locks import FleetLock
from .pending import FleetSchema, fleet_schemas, pending_by_schema
from .plan import clear_plan_cache
from .report import FAILED, MIGRATED, FleetReport, SchemaOutcome, first_line


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
            error=first_line(exc),
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
    clear_plan_cache()


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
                    schema=futures[future], status=FAILED, error=first_line(exc)
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
    with FleetLock():
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
    """Mark the template as built from the migrations on disk, so onboarding keeps copying it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"COMMENT ON SCHEMA {quote(provisioning.template_schema())} IS %s",
            [provisioning.TEMPLATE_COMMENT_PREFIX + provisioning.current_fingerprint()],
        )
    provisioning._script_cache.clear()
