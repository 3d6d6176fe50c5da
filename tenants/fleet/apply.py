"""Migrating one schema on the current connection, with the plan its applied set shares.

A schema costs what it must: setting its search_path, reading its django_migrations, running
each migration's DDL in its own transaction and recording it there, so a re-run resumes where a
failed or interrupted run stopped.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState, ProjectState
from django.utils import timezone

from ..provisioning import quote
from .plan import emit_pre_migrate, forget_content_types, fresh_copies, plan_for


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
        cached = plan_for(applied)
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
            plan = fresh_copies(cached.plan)
            forget_content_types(cached.pre_state)
            emit_pre_migrate(cached.pre_state, plan)
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
