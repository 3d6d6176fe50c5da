"""`up` checks the fleet with the pending-only path: with nothing pending its start costs the
same statements at 3 cities as at 8, and no city schema is migrated or even visited."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from tremplin.management.commands.up import Command

from tenants import provisioning
from tenants.models import City, CityStatus


def _prepare() -> list[str]:
    command = Command(stdout=io.StringIO(), stderr=io.StringIO())
    with CaptureQueriesContext(connection) as queries:
        command._prepare(demo=False)
    return [query["sql"] for query in queries.captured_queries]


def _add_city(slug: str) -> City:
    city = City.objects.create(
        name=slug.title(), slug=slug, schema_name=City.schema_name_for(slug), insee="91286",
        departement="91", region="11", admin_email=f"admin@{slug}.test",
        status=CityStatus.ACTIVE,
    )  # fmt: skip
    provisioning.create_schema_from_template(city.schema_name)
    return city


def test_a_no_op_start_costs_the_same_at_3_or_8_cities(db, grigny, gennevilliers, noisy):
    _prepare()  # the first one may build what is missing (template, spares)
    at_three = _prepare()
    added = [_add_city(f"up-ville-{i}") for i in range(5)]
    at_eight = _prepare()
    assert len(at_eight) == len(at_three)
    for city in added:  # named in the one pending query, in no other statement
        assert sum(city.schema_name in sql for sql in at_eight) == 1
