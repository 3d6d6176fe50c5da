"""The only place (with tasks) where code switches schema. Everything that crosses cities
goes through here, so a grep finds every such crossing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django_tenants.utils import schema_context, tenant_context

from .models import City, CityStatus


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


def dangerously_all_cities(*, statuses: tuple[str, ...] = (CityStatus.ACTIVE,)) -> Iterator[City]:
    """Yield each city with the connection switched into its schema. Read-only use only."""
    for city in City.objects.filter(status__in=statuses).order_by("slug"):
        with tenant_context(city):
            yield city
