"""Describe a schema's structure as plain data, to compare two schemas."""

from __future__ import annotations

from django.db import connection

_QUERIES = {
    "columns": """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped""",
    "constraints": """
        SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = %s""",
    "indexes": """
        SELECT c.relname, replace(pg_get_indexdef(c.oid), n.nspname || '.', '')
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s""",
    "sequences": """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relkind = 'S'""",
}


def describe(schema: str) -> dict[str, list[tuple]]:
    """Tables, columns, constraints (with names), indexes and sequences of `schema`."""
    result = {}
    with connection.cursor() as cursor:
        # Only the described schema on the path, so definitions print the same for any schema.
        cursor.execute(f'SET LOCAL search_path TO "{schema}"')
        for name, sql in _QUERIES.items():
            cursor.execute(sql, [schema])
            result[name] = sorted(cursor.fetchall())
    connection.search_path_set_schemas = None
    return result


def migrations(schema: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')
        return cursor.fetchall()
