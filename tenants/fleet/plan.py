"""What migrating a schema takes, worked out once per worker for every schema like it.

The schemas of a fleet are nearly all at the same point, so a worker works out once per
"applied set" (the migrations recorded in a schema) everything that does not depend on the
schema itself: the loader and graph, the consistency check, the plan, the project state before
it and, for plans made only of SQL operations, the state before and after each operation. A
schema then costs what it must (apply.py).
"""

from __future__ import annotations

import copy
import weakref
from dataclasses import dataclass

from django.core.management.sql import emit_pre_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import (
    AlterModelOptions,
    CreateModel,
    DeleteModel,
    RenameModel,
)
from django.db.migrations.state import ProjectState
from django.db.models.signals import post_migrate, pre_migrate


@dataclass
class CachedPlan:
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


_plan_cache: dict[frozenset, CachedPlan] = {}
_PLAN_CACHE_SIZE = 4  # fleets are homogeneous; states are large
# Above this many operations a plan (a never-migrated schema) is applied per schema, as Django
# does, rather than holding a rendered state per operation.
_MAX_CACHED_OPERATIONS = 64


def plan_for(applied: frozenset) -> CachedPlan:
    """The plan for the schema on the connection, whose recorded migrations are `applied`."""
    return _plan_cache.get(applied) or _build_plan(applied)


def clear_plan_cache() -> None:
    _plan_cache.clear()


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


def fresh_copies(plan) -> list:
    """The plan's migrations with their own operation lists: pre_migrate receivers insert
    operations in place (contenttypes adds RenameContentType after each RenameModel)."""
    copies = []
    for migration, backwards in plan:
        migration = copy.copy(migration)
        migration.operations = list(migration.operations)
        copies.append((migration, backwards))
    return copies


def emit_pre_migrate(pre_state: ProjectState, plan) -> None:
    emit_pre_migrate_signal(0, False, connection.alias, apps=pre_state.apps.clone(), plan=plan)


def _plain_sql(operation) -> bool:
    """True if the operation only runs SQL: no Python (RunPython, contenttypes' renames) that
    could keep something of one schema (a historical manager's cache) for the next."""
    inner = getattr(operation, "database_operations", None)  # SeparateDatabaseAndState
    if inner is not None:
        return all(map(_plain_sql, inner))
    return operation.reduces_to_sql


def forget_content_types(state: ProjectState) -> None:
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


def _build_plan(applied: frozenset) -> CachedPlan:
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
    cached = CachedPlan(
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
        shared = fresh_copies(plan)
        emit_pre_migrate(pre_state, shared)
        operations = [op for migration, _b in shared for op in migration.operations]
        if len(operations) <= _MAX_CACHED_OPERATIONS and all(map(_plain_sql, operations)):
            cached.steps, cached.post_state = _operation_states(pre_state, shared)
            cached.needs_post_migrate = _needs_post_migrate(shared)
    if len(_plan_cache) >= _PLAN_CACHE_SIZE:
        _plan_cache.clear()
    _plan_cache[applied] = cached
    return cached
