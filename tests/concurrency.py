"""Helpers for tests that race two database connections (threads, `committed` data)."""

from __future__ import annotations

import time

import pytest
from django.db import connection


def wait_until_a_query_waits_for_a_lock(timeout: float = 10) -> None:
    """Return once another connection of this database waits on a lock (a row lock, or the
    unique index entry of a row another transaction inserted and has not committed yet)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    pytest.fail("The second connection never waited for the first one's lock.")
