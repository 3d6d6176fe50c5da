"""Helpers for tests of cross-city work: break one city's schema, see what Sentry receives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import sentry_sdk
from django.db import connection
from sentry_sdk.transport import Transport
from tremplin.observability import init_sentry

from tenants.context import in_city
from tenants.models import City


def break_table(city: City, table: str) -> None:
    """Rename one of `city`'s tables so every query on it fails there, and only there.

    Call it inside the test's transaction: the rollback at the end of the test undoes it. Pick
    a table that public does not have too, or the search_path would fall back on public's."""
    with in_city(city), connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{city.schema_name}"."{table}" RENAME TO "{table}_broken"')


class CapturingTransport(Transport):
    """Keeps Sentry's events in memory instead of sending them."""

    def __init__(self, options=None) -> None:
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope) -> None:
        for item in envelope.items:
            if item.type == "event":
                self.events.append(json.loads(item.payload.get_bytes()))


@contextmanager
def sentry_events() -> Iterator[list[dict]]:
    """The events Sentry would have sent during the block (scrubbed as in production)."""
    transport = CapturingTransport()
    init_sentry(dsn="https://public@sentry.example.test/1", environment="test", transport=transport)
    try:
        yield transport.events
    finally:
        sentry_sdk.init(dsn=None)  # back to a disabled client


def city_tags(events: list[dict]) -> list[str | None]:
    return [event.get("tags", {}).get("city") for event in events]
