"""Fast schema creation: copy a pre-migrated template schema instead of replaying migrations.

The template schema (settings.TREMPLIN_TEMPLATE_SCHEMA) is migrated once with the ordinary
django-tenants path and stamped with a fingerprint of the tenant apps' migration files; it is
rebuilt when that fingerprint changes. From it we derive, once per process, a schema-agnostic SQL
script (tables, identity sequences, rows such as django_migrations, then constraints and indexes
with their exact names, so later migrations that refer to them by name keep working). Creating a
city runs that script in one round trip inside the caller's transaction, or, faster still,
renames a spare copy made in advance by a background task (see "Spare schemas" below).

The script is written with unqualified names while `search_path` points at the new schema only
(then public): references to public tables stay schema-qualified, references inside the city
resolve to the new schema. tests/tenants/test_provisioning.py proves that a copied schema and a
migrated one have identical catalogues.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import threading
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import schema_exists

TEMPLATE_COMMENT_PREFIX = "tremplin-template:"
# Arbitrary constant for pg_advisory_lock: one template build at a time, across processes.
TEMPLATE_LOCK_KEY = 7_351_020_001
# Likewise for refilling the spare pool: two refills at once would both count too few spares.
SPARE_POOL_LOCK_KEY = 7_351_020_002


class ProvisioningError(RuntimeError):
    """The template contains something the fast path cannot copy faithfully."""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def template_schema() -> str:
    return settings.TREMPLIN_TEMPLATE_SCHEMA


def _tenant_app_labels() -> set[str]:
    labels = set()
    for name in settings.TENANT_APPS:
        for config in apps.get_app_configs():
            if config.name == name:
                labels.add(config.label)
    return labels


def migrations_fingerprint() -> str:
    """A hash of every tenant-app migration (name and source) found on disk."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = _tenant_app_labels()
    digest = hashlib.sha256()
    for key in sorted(k for k in loader.disk_migrations if k[0] in labels):
        digest.update(json.dumps(key).encode())
        module = inspect.getmodule(loader.disk_migrations[key])
        digest.update(inspect.getsource(module).encode() if module else b"")
    return digest.hexdigest()[:20]


_fingerprint_cache: dict[str, str] = {}


def current_fingerprint() -> str:
    if "value" not in _fingerprint_cache:
        _fingerprint_cache["value"] = migrations_fingerprint()
    return _fingerprint_cache["value"]


def stored_template_fingerprint() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            [template_schema()],
        )
        row = cursor.fetchone()
    if not row or not row[0] or not row[0].startswith(TEMPLATE_COMMENT_PREFIX):
        return None
    return row[0][len(TEMPLATE_COMMENT_PREFIX) :]


def template_is_current() -> bool:
    return stored_template_fingerprint() == current_fingerprint()


def migrate_schema(schema_name: str) -> None:
    """django-tenants' standard path: run every tenant migration into an existing schema."""
    call_command(
        "migrate_schemas",
        schema_name=schema_name,
        tenant=True,
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()


def ensure_template(*, force: bool = False) -> bool:
    """Build (or rebuild) the template schema if its migrations changed. True if built."""
    if not force and template_is_current():
        return False
    name = template_schema()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [TEMPLATE_LOCK_KEY])
    try:
        if not force and template_is_current():  # another process built it meanwhile
            return False
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote(name)} CASCADE")
            cursor.execute(f"CREATE SCHEMA {quote(name)}")
        migrate_schema(name)
        with connection.cursor() as cursor:
            cursor.execute(
                f"COMMENT ON SCHEMA {quote(name)} IS %s",
                [TEMPLATE_COMMENT_PREFIX + current_fingerprint()],
            )
        _script_cache.clear()
        return True
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [TEMPLATE_LOCK_KEY])


@dataclass(frozen=True)
class CopyScript:
    fingerprint: str
    sql: str
    table_count: int


_script_cache: dict[str, CopyScript] = {}
_script_lock = threading.Lock()

_TABLES_SQL = """
SELECT c.oid, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""

_COLUMNS_SQL = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid),
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       CASE WHEN a.attidentity <> '' THEN pg_get_serial_sequence(
           quote_ident(c.relname), a.attname) END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# Primary keys, unique, check and exclusion constraints first; foreign keys after all tables
# and rows exist. Not-null constraints (PostgreSQL 18 lists them here) are part of the columns.
_CONSTRAINTS_SQL = """
SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE n.nspname = %s AND c.conrelid <> 0 AND c.contype IN ('p', 'u', 'c', 'x', 'f')
ORDER BY c.contype = 'f', c.conrelid::regclass::text, c.conname
"""

_INDEXES_SQL = """
SELECT pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND NOT EXISTS (
    SELECT 1 FROM pg_constraint k
    WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY c.relname
"""

# Objects the copy does not know how to reproduce; their presence is an error, not a surprise.
_UNSUPPORTED_SQL = """
SELECT c.relkind, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND (
    c.relkind IN ('v', 'm', 'f')
    OR (c.relkind = 'S' AND NOT EXISTS (
        SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))))
UNION ALL
SELECT 'trigger', tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
UNION ALL
SELECT 'function', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = %(schema)s
UNION ALL
SELECT 'type', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = %(schema)s AND t.typtype IN ('e', 'd', 'r', 'm')
"""


def _column_sql(name, type_, notnull, identity, generated, default, collation, sequence) -> str:
    parts = [quote(name), type_]
    if collation:
        parts.append(f"COLLATE {quote(collation)}")
    if generated == "s":
        parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
    elif identity:
        kind = "ALWAYS" if identity == "a" else "BY DEFAULT"
        seq_name = sequence.split(".")[-1] if sequence else None
        options = f" (SEQUENCE NAME {seq_name})" if seq_name else ""
        parts.append(f"GENERATED {kind} AS IDENTITY{options}")
    elif default is not None:
        parts.append(f"DEFAULT {default}")
    if notnull:
        parts.append("NOT NULL")
    return " ".join(parts)


def build_copy_script() -> CopyScript:
    """Read the template's catalogue and write the SQL that recreates it, names and all."""
    name = template_schema()
    with transaction.atomic(), connection.cursor() as cursor:
        # Only the template on the path: catalogue functions then print its objects unqualified
        # and anything outside it (public) qualified.
        cursor.execute(f"SET LOCAL search_path TO {quote(name)}")
        cursor.execute(_UNSUPPORTED_SQL, {"schema": name})
        unsupported = cursor.fetchall()
        if unsupported:
            raise ProvisioningError(
                f"Template holds objects the copy cannot reproduce: {unsupported}"
            )
        cursor.execute(_TABLES_SQL, [name])
        tables = cursor.fetchall()
        table_names = {oid: relname for oid, relname in tables}
        cursor.execute(_COLUMNS_SQL, [list(table_names)])
        columns: dict[int, list[tuple]] = {}
        for row in cursor.fetchall():
            columns.setdefault(row[0], []).append(row[1:])
        cursor.execute(_CONSTRAINTS_SQL, [name])
        constraints = cursor.fetchall()
        cursor.execute(_INDEXES_SQL, [name])
        indexes = [row[0] for row in cursor.fetchall()]
        populated = []
        for oid, relname in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(relname)})")
            if cursor.fetchone()[0]:
                populated.append(oid)
        connection.search_path_set_schemas = None  # SET LOCAL ends with this transaction

    statements = []
    for oid, relname in tables:
        cols = ",\n  ".join(_column_sql(*col) for col in columns[oid])
        statements.append(f"CREATE TABLE {quote(relname)} (\n  {cols}\n)")
    for oid in populated:
        relname = table_names[oid]
        insertable = [quote(col[0]) for col in columns[oid] if col[4] != "s"]
        col_list = ", ".join(insertable)
        statements.append(
            f"INSERT INTO {quote(relname)} ({col_list}) OVERRIDING SYSTEM VALUE "
            f"SELECT {col_list} FROM {quote(name)}.{quote(relname)}"
        )
        for col in columns[oid]:
            if col[3] and col[7]:  # identity column: carry the sequence position over
                seq = col[7].split(".")[-1]
                statements.append(
                    f"SELECT setval('{seq}', last_value, is_called) FROM {quote(name)}.{seq}"
                )
    for table, conname, definition, _contype in constraints:
        statements.append(f"ALTER TABLE {table} ADD CONSTRAINT {quote(conname)} {definition}")
    # pg_get_indexdef always schema-qualifies the table: make it follow search_path instead.
    for prefix in (f"{quote(name)}.", f"{name}."):
        indexes = [
            ddl.replace(f" ON {prefix}", " ON ").replace(f" ONLY {prefix}", " ONLY ")
            for ddl in indexes
        ]
    statements.extend(indexes)
    return CopyScript(
        fingerprint=current_fingerprint(),
        sql=";\n".join(statements) + ";\n",
        table_count=len(tables),
    )


def copy_script() -> CopyScript:
    fingerprint = current_fingerprint()
    with _script_lock:
        script = _script_cache.get(fingerprint)
        if script is None:
            script = _script_cache[fingerprint] = build_copy_script()
        return script


def create_schema_from_template(schema_name: str) -> None:
    """Create `schema_name` from the template, inside the caller's transaction: rename a spare
    copy made in advance if one is ready, else copy the template now."""
    _check_schema_name(schema_name)
    if schema_name in ("public", template_schema()) or schema_name.startswith(SPARE_PREFIX):
        raise ProvisioningError(f"Refusing to create reserved schema {schema_name!r}.")
    ensure_template()
    if _take_spare(schema_name):
        return
    copy_template_into(schema_name)


def copy_template_into(schema_name: str) -> None:
    """Copy the template's structure and rows into a new schema, in one round trip."""
    script = copy_script()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE SCHEMA {quote(schema_name)};\n"
            f"SET LOCAL search_path TO {quote(schema_name)}, public;\n" + script.sql
        )
    # The SET LOCAL lasts until the outermost transaction ends: make django-tenants set the
    # search path again before its next query.
    connection.set_schema_to_public()


# Spare schemas: copies of the template made ahead of time (by a Celery task after each
# onboarding), so that onboarding itself is a rename. Each is stamped with the template's
# fingerprint; a spare from older migrations is never used, and the next refill drops it.
SPARE_PREFIX = "_spare_"
SPARE_COMMENT_PREFIX = "tremplin-spare:"


def _spare_names(*, current_only: bool) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace "
            "WHERE nspname LIKE %s ORDER BY nspname",
            [SPARE_PREFIX.replace("_", r"\_") + "%"],
        )
        rows = cursor.fetchall()
    stamp = SPARE_COMMENT_PREFIX + current_fingerprint()
    return [name for name, comment in rows if (comment == stamp) == current_only]


def _take_spare(schema_name: str) -> bool:
    """Rename a ready spare to `schema_name` (in the caller's transaction). False if none."""
    for spare in _spare_names(current_only=True):
        with connection.cursor() as cursor:
            # Two onboardings never take the same spare: the lock lasts until commit, and the
            # spare must still exist once we hold it.
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [spare])
            if not cursor.fetchone()[0] or not schema_exists(spare):
                continue
            cursor.execute(f"ALTER SCHEMA {quote(spare)} RENAME TO {quote(schema_name)}")
            cursor.execute(f"COMMENT ON SCHEMA {quote(schema_name)} IS NULL")
        return True
    return False


def spare_pool_refill(*, size: int | None = None) -> int:
    """Drop stale spares and copy the template until `size` spares are ready. Returns created.

    One refill at a time across processes (an advisory lock; the next one waits, then counts
    what the first made), so the pool never holds more than `size` spares.
    """
    size = settings.TREMPLIN_SPARE_SCHEMAS if size is None else size
    ensure_template()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [SPARE_POOL_LOCK_KEY])
    try:
        return _refill_locked(size)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SPARE_POOL_LOCK_KEY])


def _refill_locked(size: int) -> int:
    for stale in _spare_names(current_only=False):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote(stale)} CASCADE")
    created = 0
    while len(_spare_names(current_only=True)) < size:
        name = f"{SPARE_PREFIX}{uuid.uuid4().hex[:12]}"
        with transaction.atomic():
            copy_template_into(name)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"COMMENT ON SCHEMA {quote(name)} IS %s",
                    [SPARE_COMMENT_PREFIX + current_fingerprint()],
                )
        created += 1
    return created


def drop_schema(schema_name: str) -> None:
    _check_schema_name(schema_name)
    if schema_name in ("public", template_schema()):
        raise ProvisioningError(f"Refusing to drop reserved schema {schema_name!r}.")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote(schema_name)} CASCADE")


__all__ = [
    "create_schema_from_template",
    "drop_schema",
    "ensure_template",
    "migrate_schema",
    "schema_exists",
    "spare_pool_refill",
]
