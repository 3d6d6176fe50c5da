"""Fleet migrations at scale: `migrate_fleet` against django-tenants' `migrate_schemas`
(standard executor), on the same cities in the same run.

Run by `make bench` only. Timings are printed, never asserted; what is asserted is that every
city ends up with the new column.

    BENCH_FLEET_CITIES    cities created for the run (default 300)
    BENCH_FLEET_PARALLEL  migrate_fleet --parallel (default: number of CPUs)

Targets (issue 7): a no-op run at 300 cities in at most 10 s; one new migration (add a column)
across 300 cities at least 5x faster than `migrate_schemas --executor standard`.

`test_start_and_crossings_at_1000_cities` (issue 12, items 4 and 5), on its own cities:

    BENCH_START_CITIES    cities created for it (default 1000)
    BENCH_START_DEMO      0 skips the demo part (seeding the demo cities takes ~2 min)
    BENCH_FLOOD_HOSTS     made-up hosts in the flood (default 10000)

1. `migrate_fleet` with nothing pending, and `up`'s preparation (`Command._prepare`: the
   public schema, the template, the fleet check, stalled onboardings, spares), against the
   per-schema cost of `migrate_schemas --tenant` (what `up` ran before) measured on a sample
   of schemas and multiplied by the fleet's size: running it on 1,000 schemas takes ~10 min.
2. The hourly `rollup_everywhere` on empty cities: finding the due cities, sending their
   tasks and running them (in this process, one after the other: what a worker of
   concurrency 1 would spend), against the previous run (a task per city, each run here).
3. A flood of 10,000 made-up hosts through the host cache, against the previous, unbounded
   cache (tenants/resolution.py before it was bounded, loaded from git): entries kept in the
   process, the bytes the cache object holds (sys.getsizeof over everything it references),
   Redis keys left at the end of the flood and their TTL.
4. With the demo: the first `up --demo` preparation (seeding), then two restarts.
Each timing is taken twice; the figures are printed, never asserted.
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


# ---------------------------------------------------------------------------------------------
# Issue 12: `up`, the hourly rollup and the host cache at 1,000 cities.

START_CITIES = int(os.environ.get("BENCH_START_CITIES", 1000))
START_DEMO = os.environ.get("BENCH_START_DEMO", "1") != "0"
START_PREFIX = "startbench"
BASELINE_SAMPLE = 8  # schemas migrated with `migrate_schemas --tenant` for the baseline
FLOOD_HOSTS = int(os.environ.get("BENCH_FLOOD_HOSTS", 10_000))
# The host cache before it was bounded (the parent of the commit that bounded it).
UNBOUNDED_HOST_CACHE = "02988f6^:tenants/resolution.py"


def _start_schema_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY 1",
            [START_PREFIX + "\\_%"],
        )
        return [row[0] for row in cursor.fetchall()]


def _drop_start_cities() -> None:
    connection.set_schema_to_public()
    names = _start_schema_names()
    for start in range(0, len(names), 10):
        with connection.cursor() as cursor:
            cursor.execute(
                ";".join(
                    f"DROP SCHEMA IF EXISTS {provisioning.quote(n)} CASCADE"
                    for n in names[start : start + 10]
                )
            )
    City.objects.filter(slug__startswith=START_PREFIX + "-").delete()


@pytest.fixture
def start_bench(committed) -> Iterator[list[str]]:
    provisioning.ensure_template()
    _drop_start_cities()
    cities = [
        City(
            name=f"Start {i:04d}",
            slug=f"{START_PREFIX}-{i:04d}",
            schema_name=f"{START_PREFIX}_{i:04d}",
            insee="91286",
            departement="91",
            region="11",
            admin_email=f"admin{i}@start.test",
            status=CityStatus.ACTIVE,
        )
        for i in range(START_CITIES)
    ]
    started = time.perf_counter()
    City.objects.bulk_create(cities)
    for city in cities:
        with transaction.atomic():
            provisioning.copy_template_into(city.schema_name)
    print(f"\n  {START_CITIES} cities copied from the template in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    try:
        yield [city.schema_name for city in cities]
    finally:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        _drop_start_cities()


def _twice(label: str, func) -> list[float]:
    return [_timed(f"{label} (run {i})", func) for i in (1, 2)]


def _up_prepare(*, demo: bool) -> None:
    import io

    from tremplin.management.commands.up import Command

    Command(stdout=io.StringIO(), stderr=io.StringIO())._prepare(demo=demo)


def _bench_fleet_check(total: int) -> None:
    print(f"\n  1. Fleet check, nothing pending ({total} schemas)")
    noop = _twice("migrate_fleet", lambda: fleet.migrate_fleet(parallel=PARALLEL))
    shared = _twice(
        "  of which migrate_schemas --shared",
        lambda: call_command("migrate_schemas", shared=True, interactive=False, verbosity=0),
    )
    up = _twice("up's preparation (no demo)", lambda: _up_prepare(demo=False))
    sample = [s.name for s in fleet.fleet_schemas()][-BASELINE_SAMPLE:]
    started = time.perf_counter()
    for schema in sample:
        call_command(
            "migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0
        )
    connection.set_schema_to_public()
    per_schema = (time.perf_counter() - started) / len(sample)
    baseline = per_schema * total
    print(f"  migrate_schemas --tenant: {per_schema * 1000:.0f} ms per schema "
          f"(mean of {len(sample)}), x {total} schemas = {baseline:.0f} s")  # fmt: skip
    print(f"  migrate_fleet {noop[0]:.2f} / {noop[1]:.2f} s ({baseline / min(noop):.0f}x faster); "
          f"up's preparation {up[0]:.2f} / {up[1]:.2f} s, of which the public schema "
          f"{shared[0]:.2f} / {shared[1]:.2f} s")  # fmt: skip


def _bench_rollups() -> None:
    from kernel.clock import local_today
    from tremplin.celery import app

    from tenant_apps.analytics import tasks
    from tenants.crosscity import run_in_each_city, send_to_each_city

    today = local_today()
    day = today.isoformat()
    import redis
    from django.conf import settings

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def old_run() -> None:  # what rollup_everywhere did: a task per active city, each run
        send_to_each_city(tasks.rollup, kwargs={"day": day, "snapshot": False})
        run_in_each_city(lambda city: tasks.rollup(day=day), atomic=False)

    def new_run() -> None:
        due = tasks.rollup_due(today)
        send_to_each_city(tasks.rollup, kwargs={"day": day, "snapshot": False}, cities=due)
        run_in_each_city(lambda city: tasks.rollup(day=day), cities=due, atomic=False)
        found.append(len(due))

    active = City.objects.filter(status=CityStatus.ACTIVE).count()
    print(f"\n  2. Hourly rollup_everywhere, {active} active cities, none with events")
    found: list[int] = []
    new = _twice("due cities, their tasks sent and run", new_run)
    due_only = _twice("  of which finding the due cities", lambda: tasks.rollup_due(today))
    dispatch_old = _timed("previous: sending a task per city (run 1)", lambda: send_to_each_city(
        tasks.rollup, kwargs={"day": day, "snapshot": False}))  # fmt: skip
    old = _timed("previous: a task per city, sent and run (run 1)", old_run)
    broker.delete(app.conf.task_default_queue)  # no worker here: the sent tasks are dropped
    print(f"  due cities: {found}; new {new[0]:.2f} / {new[1]:.2f} s (finding them "
          f"{due_only[0]:.2f} / {due_only[1]:.2f} s) against {old:.1f} s before "
          f"(sending alone {dispatch_old:.2f} s): {old / min(new):.0f}x")  # fmt: skip


def _load_unbounded_host_cache():
    import subprocess
    import types

    from tremplin.devstack import REPO_ROOT

    source = subprocess.run(
        ["git", "show", UNBOUNDED_HOST_CACHE],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    import sys

    name = "tenants._resolution_unbounded"
    module = types.ModuleType(name)
    module.__package__ = "tenants"
    sys.modules[name] = module  # dataclasses look their module up there
    exec(compile(source, "resolution_unbounded.py", "exec"), module.__dict__)  # noqa: S102
    return module.HostCache()


def _deep_size(root) -> int:
    """Bytes of `root` and of everything it holds (containers, attributes), each object once;
    classes, functions, modules and locks not counted."""
    import sys
    import types

    seen: set[int] = set()
    stack = [root]
    total = 0
    skipped = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, skipped) or "lock" in type(obj).__name__.lower():
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack += [*obj.keys(), *obj.values()]
        elif isinstance(obj, list | tuple | set | frozenset):
            stack += list(obj)
        if hasattr(obj, "__dict__") and not isinstance(obj, type):
            stack.append(vars(obj))
        for slot in getattr(type(obj), "__slots__", ()):
            if hasattr(obj, slot):
                stack.append(getattr(obj, slot))
    return total


def _flood(cache, label: str) -> dict:
    import uuid

    from tenants.cache import platform_cache

    cache.invalidate()  # a generation of its own: its Redis keys are counted apart
    generation = cache.generation()
    hosts = [f"{uuid.uuid4().hex[:16]}.example.org" for _ in range(FLOOD_HOSTS)]
    empty = _deep_size(cache)
    started = time.perf_counter()
    for host in hosts:
        cache.resolve(host)
    seconds = time.perf_counter() - started
    kept = _deep_size(cache) - empty
    pattern = platform_cache.make_and_validate_key(f"tenants:host:{generation}:*")
    client = platform_cache._cache.get_client(pattern)
    keys = list(client.scan_iter(match=pattern, count=1000))
    ttls = [client.ttl(key) for key in keys[:200]]
    entries = len(getattr(cache, "_entries", {})) + len(getattr(cache, "_unknown", {}))
    figures = {"entries": entries, "kib": kept / 1024, "keys": len(keys),
               "ttl": max(ttls, default=0), "us": seconds / FLOOD_HOSTS * 1e6}  # fmt: skip
    print(f"  {label:<22} {entries:>6} entries kept, {figures['kib']:>7.0f} KiB held, "
          f"{len(keys):>6} Redis keys (TTL <= {figures['ttl']} s), "
          f"{figures['us']:.0f} us per host")  # fmt: skip
    client.delete(*keys) if keys else None
    return figures


def _bench_host_flood() -> None:
    from tenants.resolution import HostCache

    print(f"\n  3. {FLOOD_HOSTS} made-up hosts through the host cache")
    try:
        unbounded = _load_unbounded_host_cache()
    except Exception as exc:  # no git history here: the bounded figures alone
        print(f"  (previous cache not loadable from git: {exc})")
        unbounded = None
    for run in (1, 2):
        if unbounded is not None:
            _flood(unbounded, f"previous, run {run}")
        _flood(HostCache(), f"bounded, run {run}")


def _bench_demo_start() -> None:
    print("\n  4. make demo: up --demo's preparation")
    _timed("first start (onboards and seeds the demo cities)", lambda: _up_prepare(demo=True))
    again = _twice("restart, nothing pending", lambda: _up_prepare(demo=True))
    print(f"  restart {again[0]:.2f} / {again[1]:.2f} s (target <= 10 s)")


def test_start_and_crossings_at_1000_cities(start_bench, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo's portraits stay out of ./var
    total = len(fleet.fleet_schemas())
    print(f"\nStart and crossings: {START_CITIES} bench cities, {total} schemas, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    _bench_fleet_check(total)
    _bench_rollups()
    _bench_host_flood()
    if START_DEMO:
        _bench_demo_start()
    assert fleet.migrate_fleet(parallel=PARALLEL).ok
