"""The fast path (copy of the template) must build exactly what migrations build."""

from __future__ import annotations

import pytest
from django.db import connection

from tenants import provisioning
from tenants.context import in_schema
from tests.tenants.catalog import describe, migrations


@pytest.fixture
def migrated_schema(db) -> str:
    """A schema built by django-tenants' standard path (inside the test's transaction)."""
    name = "provisioning_reference"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{name}"')
    provisioning.migrate_schema(name)
    return name


def test_copied_schema_is_identical_to_migrated_schema(migrated_schema):
    provisioning.create_schema_from_template("provisioning_copy")
    copied, reference = describe("provisioning_copy"), describe(migrated_schema)
    assert copied["columns"] and copied["indexes"] and copied["constraints"]
    for part in ("columns", "constraints", "indexes", "sequences"):
        assert copied[part] == reference[part], part
    assert migrations("provisioning_copy") == migrations(migrated_schema)


def test_copied_schema_is_usable_and_independent(db, grigny):
    provisioning.create_schema_from_template("provisioning_usable")
    from shared_apps.accounts.models import User

    with in_schema("provisioning_usable"):
        assert User.objects.count() == 0
        user = User.objects.create(email="a@b.test")  # identity sequence works
        assert user.pk
    assert not User.objects.filter(email="a@b.test").exists()  # public untouched


def test_template_is_stamped_with_current_migrations(db):
    assert provisioning.template_is_current()
    assert provisioning.ensure_template() is False  # nothing to rebuild


def test_template_rebuilds_when_migrations_change(db, monkeypatch):
    monkeypatch.setitem(provisioning._fingerprint_cache, "value", "changed-migrations")
    assert not provisioning.template_is_current()
    assert provisioning.ensure_template() is True
    assert provisioning.stored_template_fingerprint() == "changed-migrations"
    # (The test's transaction rolls the rebuilt template back.)


@pytest.mark.parametrize("name", ["public", "_city_template", "bad name;", ""])
def test_reserved_or_invalid_schema_names_are_refused(db, name):
    with pytest.raises(Exception):  # noqa: B017 - ProvisioningError or ValidationError
        provisioning.create_schema_from_template(name)


def test_spare_schemas_make_onboarding_a_rename(db, settings):
    settings.TREMPLIN_SPARE_SCHEMAS = 2
    assert provisioning.spare_pool_refill() == 2
    spares = provisioning._spare_names(current_only=True)
    assert len(spares) == 2
    provisioning.create_schema_from_template("provisioning_from_spare")
    assert provisioning._spare_names(current_only=True) == spares[1:]
    assert not provisioning.schema_exists(spares[0])
    assert describe("provisioning_from_spare") == describe(provisioning.template_schema())
    assert provisioning.spare_pool_refill() == 1  # topped up again


def test_stale_spares_are_never_used_and_get_dropped(db, settings, monkeypatch):
    settings.TREMPLIN_SPARE_SCHEMAS = 1
    provisioning.spare_pool_refill()
    (old,) = provisioning._spare_names(current_only=True)
    monkeypatch.setitem(provisioning._fingerprint_cache, "value", "newer-migrations")
    provisioning.ensure_template()
    provisioning.create_schema_from_template("provisioning_after_change")
    assert provisioning.schema_exists(old)  # not taken: built from older migrations
    provisioning.spare_pool_refill()
    assert not provisioning.schema_exists(old)
    assert len(provisioning._spare_names(current_only=True)) == 1


def test_empty_pool_falls_back_to_copying(db, settings):
    settings.TREMPLIN_SPARE_SCHEMAS = 0
    assert provisioning._spare_names(current_only=True) == []
    provisioning.create_schema_from_template("provisioning_no_spare")
    assert provisioning.schema_exists("provisioning_no_spare")
