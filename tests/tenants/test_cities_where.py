"""`cities_where`: one yes/no question asked of every city's own tables in one statement."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from tenant_apps.analytics.models import Event
from tenants import crosscity
from tenants.context import in_city
from tenants.crosscity import cities_where

from .crosscity import break_table

HAS_EVENTS = "EXISTS (SELECT 1 FROM {schema}.analytics_event)"
FIXTURES = ["gennevilliers", "grigny", "noisy-le-sec"]


def _slugs(cities) -> list[str]:
    return [city.slug for city in cities]


def _event(city, kind: str = "view") -> None:
    with in_city(city):
        Event.objects.create(at=timezone.now(), kind=kind)


def test_each_city_answers_about_its_own_tables(grigny, gennevilliers, noisy):
    assert _slugs(cities_where(HAS_EVENTS, slugs=FIXTURES)) == []
    _event(gennevilliers)
    assert _slugs(cities_where(HAS_EVENTS, slugs=FIXTURES)) == ["gennevilliers"]
    assert connection.schema_name == "public"  # nothing was switched


def test_params_and_chunks(grigny, gennevilliers, noisy, monkeypatch):
    monkeypatch.setattr(crosscity, "CITIES_WHERE_CHUNK", 2)  # three cities: two statements
    _event(grigny, "view")
    _event(noisy, "search")
    condition = "EXISTS (SELECT 1 FROM {schema}.analytics_event WHERE kind = %(kind)s)"
    found = cities_where(condition, params={"kind": "search"}, slugs=FIXTURES)
    assert _slugs(found) == ["noisy-le-sec"]
    assert _slugs(cities_where(HAS_EVENTS, slugs=FIXTURES)) == ["grigny", "noisy-le-sec"]


def test_a_failing_statement_keeps_every_city_of_it(grigny, gennevilliers, noisy):
    """Better a task too many than a city skipped because its schema lagged behind."""
    break_table(grigny, "analytics_event")
    assert _slugs(cities_where(HAS_EVENTS, slugs=FIXTURES)) == FIXTURES
    with in_city(gennevilliers), connection.cursor() as cursor:  # the transaction goes on
        cursor.execute("SELECT 1")


@pytest.mark.parametrize("statuses", [None, ("active",)])
def test_cities_without_a_schema_are_left_out(grigny, statuses):
    from tenants.models import City, CityStatus

    City.objects.create(
        name="Sans schéma", slug="sans-schema", schema_name="sans_schema", insee="91286",
        departement="91", region="11", admin_email="a@b.test", status=CityStatus.ACTIVE,
    )  # fmt: skip
    assert "sans-schema" not in _slugs(cities_where("true", statuses=statuses))
    assert "grigny" in _slugs(cities_where("true", statuses=statuses))
