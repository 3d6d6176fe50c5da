"""Low-level schema switches, private to `tenants/` (and the tests).

Code outside `tenants/` crosses cities through `tenants.crosscity`, which isolates and reports
each city's failure; ruff's banned-api rule (TID251) forbids these names everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django_tenants.utils import schema_context, tenant_context

from .models import City


@contextmanager
def in_city(city: City) -> Iterator[City]:
    """Run the block in `city`'s schema, then return to the previous one."""
    with tenant_context(city):
        yield city


@contextmanager
def in_public() -> Iterator[None]:
    with schema_context("public"):
        yield


@contextmanager
def in_schema(schema_name: str) -> Iterator[None]:
    """Raw schema switch for provisioning internals (template, fresh schemas)."""
    with schema_context(schema_name):
        yield
