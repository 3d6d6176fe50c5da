"""Branding's migrations plus one more (a new nullable column), for fleet migration tests.

Point MIGRATION_MODULES["branding"] here (override_settings) and every city has one real
pending migration; `undo_probe` removes it again from every schema.
"""

from __future__ import annotations

PROBE = ("branding", "0002_fleet_probe")
PROBE_TABLE = "branding_branding"
PROBE_COLUMN = "fleet_probe"
MIGRATION_MODULES = {"branding": "tests.tenants.fleet_migrations"}


def undo_probe(cursor, schemas: list[str]) -> None:
    """Drop the probe column and forget the probe migration in each schema, in one statement."""
    statements = []
    for schema in schemas:
        statements.append(
            f'ALTER TABLE IF EXISTS "{schema}".{PROBE_TABLE} DROP COLUMN IF EXISTS {PROBE_COLUMN}'
        )
        statements.append(
            f'DELETE FROM "{schema}".django_migrations '
            f"WHERE app = '{PROBE[0]}' AND name = '{PROBE[1]}'"
        )
    if statements:
        cursor.execute(";\n".join(statements))
