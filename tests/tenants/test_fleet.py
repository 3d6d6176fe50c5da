"""Fleet migrations: one query finds what is pending, only that is migrated, in worker processes;
a broken city fails alone and is named; a re-run resumes; two runs never overlap."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import override_settings

from tenants import fleet, provisioning
from tenants.models import City, CityStatus
from tests.tenants.fleet_migrations import (
    MIGRATION_MODULES,
    PROBE,
    PROBE_COLUMN,
    PROBE_TABLE,
    undo_probe,
)

PROBE_NAME = f"{PROBE[0]}.{PROBE[1]}"


def _columns(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s",
            [schema, PROBE_TABLE],
        )
        return {row[0] for row in cursor.fetchall()}


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def _count(schema: str, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema}".{table}')
        return cursor.fetchone()[0]


def _make_city(slug: str) -> City:
    """A bare city (row + schema copied from the template), committed."""
    city = City.objects.create(
        name=slug.title(),
        slug=slug,
        schema_name=City.schema_name_for(slug),
        insee="91286",
        departement="91",
        region="11",
        admin_email=f"admin@{slug}.test",
        status=CityStatus.ACTIVE,
    )
    provisioning.create_schema_from_template(city.schema_name)
    return city


@pytest.fixture
def probe_migration(committed) -> Iterator:
    """probe_migration() gives every schema one real pending migration (a new column); the
    column, the recorded migration and the template's stamp are undone after the test."""
    original_stamp = provisioning.stored_template_fingerprint()
    override = override_settings(MIGRATION_MODULES=MIGRATION_MODULES)
    active = []

    def activate() -> None:
        override.enable()
        active.append(override)
        provisioning._fingerprint_cache.clear()

    try:
        yield activate
    finally:
        if active:
            override.disable()
        provisioning._fingerprint_cache.clear()
        provisioning._script_cache.clear()
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            undo_probe(cursor, [s.name for s in fleet.fleet_schemas()])
            cursor.execute(
                f'COMMENT ON SCHEMA "{provisioning.template_schema()}" IS %s',
                [provisioning.TEMPLATE_COMMENT_PREFIX + original_stamp],
            )
        assert provisioning.template_is_current()


def test_pending_migrations_are_found_in_one_query(db, grigny, django_assert_num_queries):
    schemas = fleet.fleet_schemas()
    names = [s.name for s in schemas]
    assert names[0] == provisioning.template_schema()
    assert {"grigny", "gennevilliers", "noisy_le_sec"} <= set(names)
    assert fleet.pending_by_schema(schemas) == {}

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM grigny.django_migrations WHERE app = 'branding' AND name = '0001_initial'"
        )
    with django_assert_num_queries(1):
        pending = fleet.pending_by_schema(schemas)
    assert pending == {"grigny": ["branding.0001_initial"]}


def test_a_broken_city_fails_alone_and_a_rerun_resumes(probe_migration):
    cities = [_make_city(slug) for slug in ("fleet-one", "fleet-two", "fleet-broken")]
    with connection.cursor() as cursor:  # the table the new migration alters is gone
        cursor.execute(f"ALTER TABLE fleet_broken.{PROBE_TABLE} RENAME TO moved_away")
    probe_migration()
    template = provisioning.template_schema()
    everyone = [s.name for s in fleet.fleet_schemas()]
    pending = fleet.pending_by_schema(fleet.fleet_schemas())
    assert set(pending) == set(everyone)
    assert all(missing == [PROBE_NAME] for missing in pending.values())

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 schema\\(s\\) failed: fleet_broken"):
        call_command("migrate_fleet", "--parallel", "2", stdout=out, stderr=err)
    assert "0 up to date, 1 failed" in out.getvalue()
    assert "failed fleet_broken: ProgrammingError" in out.getvalue()
    assert "moved_away" not in out.getvalue() and PROBE_TABLE in out.getvalue()
    assert "FAILED   fleet_broken" in err.getvalue()
    for schema in everyone:
        if schema != "fleet_broken":
            assert PROBE_COLUMN in _columns(schema), schema
    # The template is migrated and stamped: onboarding copies it, with the new column.
    assert provisioning.template_is_current()
    assert PROBE_COLUMN in _columns(template)
    assert fleet.pending_by_schema(fleet.fleet_schemas()) == {"fleet_broken": [PROBE_NAME]}

    # Re-run: nothing migrated twice, the broken city still reported.
    report = fleet.migrate_fleet(parallel=2)
    assert [o.schema for o in report.failed] == ["fleet_broken"]
    assert report.migrated == []
    assert set(report.up_to_date) == set(everyone) - {"fleet_broken"}

    # Repaired, it is the only one migrated on the next run.
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE fleet_broken.moved_away RENAME TO {PROBE_TABLE}")
    report = fleet.migrate_fleet(parallel=2)
    assert report.ok
    assert [(o.schema, o.applied) for o in report.migrated] == [("fleet_broken", (PROBE_NAME,))]
    assert PROBE_COLUMN in _columns("fleet_broken")
    assert fleet.pending_by_schema(fleet.fleet_schemas()) == {}

    # A city onboarded now is copied from the migrated template and is up to date.
    fresh = _make_city("fleet-fresh")
    assert PROBE_COLUMN in _columns(fresh.schema_name)
    out = io.StringIO()
    call_command("migrate_fleet", stdout=out)
    assert "0 migrated" in out.getvalue() and "0 failed" in out.getvalue()
    assert len(cities) == 3


def test_nothing_pending_forks_nothing(db, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("no schema should be migrated")

    monkeypatch.setattr(fleet.runner, "_run_pool", no_pool)
    report = fleet.migrate_fleet(parallel=2)
    assert report.ok and report.outcomes == []
    assert report.checked == len(report.up_to_date) >= 4


def test_a_second_run_is_refused_while_one_holds_the_lock(db):
    holder = connections.create_connection("default")
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [fleet.FLEET_LOCK_KEY])
        with pytest.raises(fleet.FleetLocked):
            fleet.migrate_fleet(parallel=1)
        with pytest.raises(CommandError, match="Another fleet migration is running"):
            call_command("migrate_fleet", stdout=io.StringIO())
    finally:
        holder.close()  # ends the session, and the lock with it


def test_parallel_must_be_positive(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("migrate_fleet", "--parallel", "0")


def test_content_types_are_refreshed_only_when_models_change():
    from django.db import migrations, models

    def plan(*operations):
        migration = migrations.Migration("0099_probe", "branding")
        migration.operations = list(operations)
        return [(migration, False)]

    add_column = migrations.AddField("branding", "x", models.IntegerField(null=True))
    new_model = migrations.CreateModel("Probe", [("id", models.AutoField(primary_key=True))])
    assert not fleet.plan._needs_post_migrate(plan(add_column))
    assert fleet.plan._needs_post_migrate(plan(add_column, new_model))
    assert fleet.plan._needs_post_migrate(plan(migrations.RenameModel("Branding", "Brand")))


def test_a_schema_never_migrated_gets_every_migration(committed):
    """A city schema without a django_migrations table is built from scratch, as Django's
    migrate would: same tables, content types and permissions as the template."""
    bare = City.objects.create(
        name="Fleet Bare",
        slug="fleet-bare",
        schema_name=City.schema_name_for("fleet-bare"),
        insee="91286",
        departement="91",
        region="11",
        admin_email="admin@fleet-bare.test",
        status=CityStatus.ACTIVE,
    )
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{bare.schema_name}"')
    schemas = {s.name: s for s in fleet.fleet_schemas()}
    assert not schemas[bare.schema_name].has_migrations_table

    report = fleet.migrate_fleet(parallel=1)

    assert report.ok, report.failed
    assert [o.schema for o in report.migrated] == [bare.schema_name]
    assert "branding.0001_initial" in report.migrated[0].applied
    assert fleet.pending_by_schema(fleet.fleet_schemas()) == {}
    template = provisioning.template_schema()
    assert _tables(bare.schema_name) == _tables(template)
    for table in ("django_content_type", "auth_permission"):
        assert _count(bare.schema_name, table) == _count(template, table), table


def test_pre_migrate_receivers_never_edit_the_shared_migrations():
    """contenttypes' pre_migrate receiver inserts operations into the plan it is given; each
    schema gets copies, so the operations are never inserted twice."""
    from django.db import migrations

    migration = migrations.Migration("0099_probe", "branding")
    migration.operations = [migrations.RenameModel("Branding", "Brand")]
    ((copy, backwards),) = fleet.plan.fresh_copies([(migration, False)])
    copy.operations.append(migrations.RunSQL("SELECT 1"))
    assert copy == migration and not backwards
    assert len(migration.operations) == 1 and len(copy.operations) == 2
