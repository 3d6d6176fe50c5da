"""One fleet migration at a time, across machines: a PostgreSQL advisory lock."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

# Arbitrary constant for pg_try_advisory_lock: one fleet migration at a time, across machines.
FLEET_LOCK_KEY = 7_351_020_002


class FleetLocked(RuntimeError):
    """Another fleet migration holds the lock."""


class FleetLock:
    """A session-level advisory lock on a connection of its own, held for the whole run."""

    def __init__(self) -> None:
        self.conn = connections.create_connection(DEFAULT_DB_ALIAS)

    def __enter__(self) -> FleetLock:
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [FLEET_LOCK_KEY])
            acquired = cursor.fetchone()[0]
        if not acquired:
            self.conn.close()
            raise FleetLocked(
                "Another fleet migration is running (advisory lock held); try again when it ends."
            )
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            with self.conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FLEET_LOCK_KEY])
        finally:
            self.conn.close()
