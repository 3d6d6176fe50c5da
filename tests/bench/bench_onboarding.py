"""How long a new city's schema takes to create: our copy of the template against
django-tenants' two standard paths (replaying migrations, and `clone_schema` + `--fake`).

Run by `make bench` only (this file is not a test_*.py). Timings are printed, never asserted;
what is asserted is that every schema the benchmark builds has the template's tables.

    BENCH_CITIES          cities created by our path (default 100)
    BENCH_MIGRATE_CITIES  cities created by migrating an empty schema (default 5)
    BENCH_CLONE_CITIES    cities created by django-tenants' clone_schema (default 10)

After the timings it explains the copy's floor (issue 12): the relations an empty city is
made of (pg_class rows in its schema, TOAST ones apart), which indexes are for what, which are
redundant, how many the data model needs as it is, and the copy / migrate ratio each relation
count would give if the copy's time shrank with the relations it creates.

The baseline cities are created between ours, spread evenly over the run: on a small shared VM
the cost of creating relation files (kernel time) drifts by 2-5x within a minute, and a path
measured only at the start or the end would be compared with a different machine. Read one run
with care; compare several.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.clone import CloneSchema
from django_tenants.postgresql_backend.base import _check_schema_name

from tenants import provisioning
from tenants.services import city_onboard
from tests.tenants.catalog import describe, migrations

T = TypeVar("T")
PREFIX = "bench_"
TARGET_MIGRATE_RATIO = 20.0  # migrate path at least 20x slower than ours
TARGET_CLONE_RATIO = 3.0  # clone path at least 3x slower than ours
TARGET_GROWTH_RATIO = 1.5  # 100th city at most 1.5x the 10th
# Real communes for the full onboarding sample (INSEE code, name): not the fixture cities'
# (one tenant per commune: theirs are covered).
ONBOARD_SAMPLE = [
    ("94081", "Vitry-sur-Seine"), ("94017", "Champigny-sur-Marne"), ("94033", "Fontenay-sous-Bois"),
]  # fmt: skip


def _env_int(name: str, default: int) -> int:
    value = int(os.environ.get(name, default))
    if value < 1:
        raise ValueError(f"{name} must be at least 1")
    return value


N_OURS = _env_int("BENCH_CITIES", 100)
N_MIGRATE = _env_int("BENCH_MIGRATE_CITIES", 5)
N_CLONE = _env_int("BENCH_CLONE_CITIES", 10)
N_POOLED = _env_int("BENCH_POOLED_CITIES", 20)


@dataclass
class Series:
    label: str
    seconds: list[float] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def window_median(self, first: int, last: int) -> float:
        """Median of cities first..last, counted from 1 like the report."""
        return statistics.median(self.seconds[first - 1 : last])


def _spread(count: int, slots: int) -> dict[int, list[int]]:
    """Place `count` runs evenly among `slots` positions: {position: [run numbers]}."""
    placed: dict[int, list[int]] = {}
    for j in range(count):
        placed.setdefault(int((j + 0.5) * slots / count), []).append(j)
    return placed


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


# Catalogue helpers (outside every timing).


def _bench_schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname",
            [PREFIX.replace("_", r"\_") + "%"],
        )
        return [row[0] for row in cursor.fetchall()]


def _drop_bench_schemas() -> None:
    connection.set_schema_to_public()
    for name in _bench_schemas():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {provisioning.quote(name)} CASCADE")


def _tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def _describe(schema: str) -> dict[str, list[tuple]]:
    with transaction.atomic():  # describe() uses SET LOCAL
        return describe(schema)


def _catalogue_differences(schema: str, reference: dict[str, list[tuple]]) -> dict[str, int]:
    """Per catalogue part, how many of the reference's rows `schema` lacks (0 parts omitted)."""
    described = _describe(schema)
    return {
        part: max(len(set(rows) - set(described[part])), 1)
        for part, rows in reference.items()
        if described[part] != rows
    }


# The three ways of creating a city's schema.


def create_ours(name: str) -> None:
    with transaction.atomic():
        provisioning.create_schema_from_template(name)


def create_migrated(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {provisioning.quote(name)}")
    provisioning.migrate_schema(name)


def create_cloned(name: str) -> None:
    """TenantMixin.create_schema with TENANT_BASE_SCHEMA set, clone_mode "DATA", in autocommit
    as `City.save()` would run it (django_tenants/models.py)."""
    _check_schema_name(name)
    CloneSchema().clone_schema(provisioning.template_schema(), name, "DATA")
    call_command(
        "migrate_schemas",
        tenant=True,
        fake=True,
        schema_name=name,
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()


@pytest.fixture
def bench_db(committed) -> Iterator[None]:
    """Committed data (the `committed` fixture deletes the City rows onboarded here); every
    bench_* schema is dropped afterwards, whatever happened."""
    if connection.in_atomic_block:
        pytest.fail("The benchmark needs autocommit: do not combine it with `db`.")
    provisioning.ensure_template()
    _drop_bench_schemas()  # left over by an interrupted run on a reused database
    try:
        yield
    finally:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        _drop_bench_schemas()
        assert _bench_schemas() == []


def _print_report(
    *,
    ours: Series,
    pooled: Series,
    migrated: Series,
    cloned: Series,
    onboard: Series,
    script_build: float,
    table_count: int,
    script_size: int,
    clone_differences: dict[str, int],
) -> None:
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    n = len(ours.seconds)
    early_first, early_last = min(8, n), min(12, n)
    late_first, late_last = max(1, n - 4), n
    early = ours.window_median(early_first, early_last)
    late = ours.window_median(late_first, late_last)
    growth = late / early
    migrate_ratio = migrated.mean / ours.mean
    clone_ratio = cloned.mean / ours.mean

    lines = [
        "",
        f"Onboarding benchmark — template {provisioning.template_schema()!r}: "
        f"{table_count} tables, copy script {script_size:,} characters "
        f"(built once per process in {script_build * 1000:.1f} ms, not counted below)",
        "",
        f"{'path':<50} {'cities':>6} {'mean s':>9} {'median s':>9} {'min s':>9} {'max s':>9}",
        "-" * 96,
    ]
    for series in (ours, pooled, migrated, cloned, onboard):
        if not series.seconds:
            continue
        lines.append(
            f"{series.label:<50} {len(series.seconds):>6} {series.mean:>9.4f} "
            f"{series.median:>9.4f} {min(series.seconds):>9.4f} {max(series.seconds):>9.4f}"
        )
    lines += [
        "",
        f"{'comparison':<50} {'value':>10} {'target':>10}  result",
        "-" * 80,
        f"{'migrate / ours (mean)':<50} {migrate_ratio:>9.1f}x {'>= 20x':>10}  "
        f"{verdict(migrate_ratio >= TARGET_MIGRATE_RATIO)}",
        f"{'clone / ours (mean)':<50} {clone_ratio:>9.1f}x {'>= 3x':>10}  "
        f"{verdict(clone_ratio >= TARGET_CLONE_RATIO)}",
        f"{f'city 10: median of cities {early_first}-{early_last}, s':<50} {early:>10.4f}",
        f"{f'city {n}: median of cities {late_first}-{late_last}, s':<50} {late:>10.4f}",
        f"{f'city {n} / city 10':<50} {growth:>9.2f}x {'<= 1.5x':>10}  "
        f"{verdict(growth <= TARGET_GROWTH_RATIO)}",
        "",
        "ours, median ms per block of 10 cities: "
        + " ".join(
            f"{statistics.median(ours.seconds[i : i + 10]) * 1000:.0f}" for i in range(0, n, 10)
        ),
        f"migrate / ours (median): {migrated.median / ours.median:.1f}x; "
        f"clone / ours (median): {cloned.median / ours.median:.1f}x",
        "Cloned schemas' catalogue vs the template: "
        + (
            "identical (columns, constraints, indexes, sequences)"
            if not clone_differences
            else "differs: "
            + ", ".join(f"{n} {part} missing or renamed" for part, n in clone_differences.items())
        ),
    ]
    if n < 100:
        lines.append(f"(Only {n} cities on our path: 'late' is city {n}, not city 100.)")
    print("\n".join(lines))


# Why the copy path cannot go much below its floor: what an empty city is made of.

TARGET_RELATIONS = 120  # relations per empty city that would bring the copy to ~20x (issue 12)
PROBE_RELATIONS = 100  # bare tables created to measure the cost of one relation

_RELKINDS_SQL = """
SELECT c.relkind, count(*), coalesce(sum(pg_relation_size(c.oid)), 0)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s GROUP BY 1 ORDER BY 2 DESC
"""
# TOAST tables (and their index) live in pg_toast, not in the city's schema: two more files per
# table with a column that can be toasted.
_TOAST_SQL = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind = 'r' AND c.reltoastrelid <> 0
"""
# Each index of the schema, with what it is for.
_INDEX_KINDS_SQL = """
SELECT c.relname,
       CASE WHEN k.contype = 'p' THEN 'primary key'
            WHEN k.contype IN ('u', 'x') THEN 'unique constraint'
            WHEN i.indisunique THEN 'unique index'
            WHEN pg_get_indexdef(i.indexrelid) LIKE '%%pattern_ops%%' THEN 'LIKE (pattern_ops)'
            WHEN i.indnatts = 1 AND EXISTS (
                SELECT 1 FROM pg_constraint f WHERE f.conrelid = i.indrelid AND f.contype = 'f'
                AND f.conkey = ARRAY[i.indkey[0]]) THEN 'foreign key column'
            ELSE 'other lookup' END
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
    AND k.contype IN ('p', 'u', 'x')
WHERE n.nspname = %s
"""
# A plain, non-unique index whose columns (and operator classes) lead another index of the same
# table answers no query the other cannot: dropping it changes no result, only a plan.
_REDUNDANT_SQL = """
SELECT ca.relname, cb.relname
FROM pg_index a JOIN pg_index b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
JOIN pg_class ca ON ca.oid = a.indexrelid JOIN pg_class cb ON cb.oid = b.indexrelid
JOIN pg_namespace n ON n.oid = ca.relnamespace
WHERE n.nspname = %s AND NOT a.indisunique
  AND a.indpred IS NULL AND b.indpred IS NULL AND a.indexprs IS NULL AND b.indexprs IS NULL
  AND a.indnatts <= b.indnatts
  AND (string_to_array(b.indkey::text, ' '))[1:a.indnatts] = string_to_array(a.indkey::text, ' ')
  AND (string_to_array(b.indclass::text, ' '))[1:a.indnatts]
      = string_to_array(a.indclass::text, ' ')
  AND (a.indnatts < b.indnatts OR b.indisunique OR a.indexrelid > b.indexrelid)
ORDER BY 1
"""
# Tables of an empty city that hold rows (django_migrations, seeded defaults): the rest is empty.
_RELKIND_NAMES = {"r": "tables", "i": "indexes", "S": "sequences", "v": "views"}


def _per_relation_seconds() -> float:
    """Seconds to create one relation (a bare table) on this machine now: the floor's unit."""
    name = f"{PREFIX}relprobe"
    sql = ";".join(f"CREATE TABLE {name}.t{i} (id integer)" for i in range(PROBE_RELATIONS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {name}")
        started = time.perf_counter()
        cursor.execute(sql)
        seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA {name} CASCADE")
    return seconds / PROBE_RELATIONS


def _relations_analysis(*, template: str, ours: Series, migrated: Series) -> None:
    """Relations per empty city, what they are for, which could go, and what that would buy."""
    with connection.cursor() as cursor:
        cursor.execute(_RELKINDS_SQL, [template])
        kinds = cursor.fetchall()
        cursor.execute(_TOAST_SQL, [template])
        toasted = cursor.fetchone()[0]
        cursor.execute(_INDEX_KINDS_SQL, [template])
        index_kinds = cursor.fetchall()
        cursor.execute(_REDUNDANT_SQL, [template])
        redundant: dict[str, list[str]] = {}
        for index, covering in cursor.fetchall():
            redundant.setdefault(index, []).append(covering)
    count = {kind: n for kind, n, _ in kinds}
    in_schema = sum(count.values())
    files = in_schema + 2 * toasted
    size = sum(size for _, _, size in kinds)
    by_purpose: dict[str, int] = {}
    for _, purpose in index_kinds:
        by_purpose[purpose] = by_purpose.get(purpose, 0) + 1
    # What the data model needs as it is: its tables, their identity sequences, and the indexes
    # behind primary keys and uniqueness (the invariants the code relies on).
    needed = (
        count.get("r", 0)
        + count.get("S", 0)
        + sum(by_purpose.get(p, 0) for p in ("primary key", "unique constraint", "unique index"))
    )
    optional = in_schema - needed
    per_relation = statistics.median(_per_relation_seconds() for _ in range(3))
    lines = [
        "",
        f"Relations of an empty city (the template {template!r}): {in_schema} in its schema "
        f"(pg_class rows; target <= {TARGET_RELATIONS}): "
        + ", ".join(f"{n} {_RELKIND_NAMES.get(k, k)}" for k, n, _ in kinds)
        + f"; plus {toasted} TOAST tables and their {toasted} indexes in pg_toast = "
        f"{files} relation files; {size / 1024:.0f} KiB on disk",
        "indexes by purpose: "
        + ", ".join(f"{n} {p}" for p, n in sorted(by_purpose.items(), key=lambda x: -x[1])),
        f"needed by the data model as it is (tables, their identity sequences, primary-key and "
        f"unique indexes): {needed}; the other {optional} are lookup indexes "
        f"({len(redundant)} of them redundant, listed below)",
        f"one relation (a bare table) costs {per_relation * 1000:.2f} ms to create here now; "
        f"the copy's median is {ours.median * 1000:.1f} ms for {files} relation files "
        f"({ours.median / files * 1000:.2f} ms each on average; one round trip carries the "
        "whole script, so what it costs grows with what it creates)",
    ]
    for label, target in (
        (f"the target, {TARGET_RELATIONS}", TARGET_RELATIONS),
        (f"the data model's minimum, {needed}", needed),
        (f"without the redundant indexes, {in_schema - len(redundant)}",
         in_schema - len(redundant)),
    ):  # fmt: skip
        # Best case: the copy's time shrinks with its relation files (TOAST ones in proportion).
        projected = ours.median * (target + 2 * toasted * target / in_schema) / files
        lines.append(
            f"at {label} relations: copy ~{projected * 1000:.1f} ms, migrate / copy "
            f"~{migrated.median / projected:.1f}x (median; now "
            f"{migrated.median / ours.median:.1f}x)"
        )
    lines.append(
        f"redundant indexes (their columns lead another index of the table; dropping one "
        f"changes no result, only a plan): {len(redundant)}"
        + "".join(f"\n  {a}  (covered by {', '.join(b)})" for a, b in redundant.items())
    )
    lines.append(
        f"so {TARGET_RELATIONS} is below what the data model needs ({needed}): it would take "
        "fewer tables (apps a city has not switched on still get theirs) or merged ones, not "
        "fewer indexes. Lookup indexes that could go after checking the queries they serve: the "
        "redundant ones above, LIKE (pattern_ops) indexes Django adds to indexed CharFields "
        "(only LIKE 'prefix%' uses them), foreign-key indexes on tables a city keeps small"
    )
    print("\n".join(lines))


def test_onboarding_benchmark(bench_db):
    template = provisioning.template_schema()
    assert template == settings.TREMPLIN_TEMPLATE_SCHEMA
    template_tables = _tables(template)
    template_catalogue = _describe(template)
    template_migrations = migrations(template)
    assert template_tables and template_migrations

    def check_tables(name: str) -> None:
        assert _tables(name) == template_tables, name
        assert migrations(name) == template_migrations, name

    # One-off cost per process, kept out of the per-city numbers (the cache is warm already:
    # the session fixtures onboarded three cities).
    script_build, _ = _timed(provisioning.build_copy_script)
    script = provisioning.copy_script()

    migrated = Series("django-tenants migrate (CREATE SCHEMA + migrate)")
    cloned = Series("django-tenants clone_schema + migrate --fake")
    ours = Series("ours: create_schema_from_template")
    clone_differences: dict[str, int] = {}

    def run_migrated(j: int) -> None:
        """django-tenants' standard path: an empty schema, then every tenant migration."""
        name = f"{PREFIX}migrate_{j}"
        migrated.seconds.append(_timed(lambda: create_migrated(name))[0])
        check_tables(name)

    def run_cloned(j: int) -> None:
        """django-tenants' clone path: clone_schema(template, DATA) + migrate_schemas --fake."""
        name = f"{PREFIX}clone_{j}"
        cloned.seconds.append(_timed(lambda: create_cloned(name))[0])
        check_tables(name)
        for part, count in _catalogue_differences(name, template_catalogue).items():
            clone_differences[part] = max(count, clone_differences.get(part, 0))

    # Our path, N cities in a row (each in its own transaction); the baseline cities are spread
    # evenly between them so that every path samples the same moments of a noisy machine.
    migrate_at = _spread(N_MIGRATE, N_OURS)
    clone_at = _spread(N_CLONE, N_OURS)
    for i in range(N_OURS):
        for j in migrate_at.get(i, []):
            run_migrated(j)
        for j in clone_at.get(i, []):
            run_cloned(j)
        name = f"{PREFIX}ours_{i}"
        ours.seconds.append(_timed(lambda name=name: create_ours(name))[0])
    for i in range(N_OURS):
        name = f"{PREFIX}ours_{i}"
        check_tables(name)
        assert _catalogue_differences(name, template_catalogue) == {}, name

    # Our path when a spare copy is ready (the normal case in production: a Celery task refills
    # the pool after each onboarding). The refill, done off the request, is timed apart.
    pooled = Series("ours, spare ready: rename a pre-made copy")
    refill_seconds, _ = _timed(lambda: provisioning.spare_pool_refill(size=N_POOLED))
    try:
        for i in range(N_POOLED):
            name = f"{PREFIX}pooled_{i}"
            pooled.seconds.append(_timed(lambda name=name: create_ours(name))[0])
            check_tables(name)
            assert _catalogue_differences(name, template_catalogue) == {}, name
    finally:
        for spare in provisioning._spare_names(current_only=True):
            provisioning.drop_schema(spare)
    print(
        f"\nSpare pool: {N_POOLED} copies made in {refill_seconds:.3f} s "
        f"({refill_seconds / N_POOLED * 1000:.1f} ms each, in the background); "
        f"onboarding with a spare ready: {pooled.mean * 1000:.2f} ms mean, "
        f"migrate / spare-ready = {migrated.mean / pooled.mean:.0f}x, "
        f"clone / spare-ready = {cloned.mean / pooled.mean:.0f}x"
    )

    # Our full onboarding (validation, City row, domains, schema, branding, first admin) for a
    # few real communes; the `committed` fixture deletes these cities afterwards.
    onboard = Series("ours: full city_onboard (incl. schema)")
    for insee, city_name in ONBOARD_SAMPLE:
        slug = f"bench-ours-{insee}"
        seconds, result = _timed(
            lambda slug=slug, insee=insee, city_name=city_name: city_onboard(
                name=f"{city_name} (bench)",
                slug=slug,
                insee=insee,
                admin_email=f"admin@{slug}.test",
            )
        )
        onboard.seconds.append(seconds)
        assert result.created and result.city.schema_name.startswith(PREFIX)
        check_tables(result.city.schema_name)

    _print_report(
        ours=ours,
        pooled=pooled,
        migrated=migrated,
        cloned=cloned,
        onboard=onboard,
        script_build=script_build,
        table_count=script.table_count,
        script_size=len(script.sql),
        clone_differences=clone_differences,
    )
    _relations_analysis(template=template, ours=ours, migrated=migrated)
