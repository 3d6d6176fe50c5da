"""The dashboard's figures are cached per city and filters until the rollups are rebuilt."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.analytics import rollups
from tenant_apps.analytics.models import Figure, Period
from tenants.context import in_city

from ..youth.factories import make_youth
from .conftest import add_events, at, people

URL = "/api/v1/analytics/diagnostic/"
MARCH = {"from": "2025-03-01", "to": "2025-03-31"}


def _searches(n: int, prefix: str, query: str = "permis") -> list[dict]:
    return [
        dict(at=at(2025, 3), kind="search", pseudonym=p, query=query, results=0)
        for p in people(n, prefix)
    ]


def _permis(response) -> int | str | None:
    section = next(s for s in response.json()["sections"] if s["id"] == "recherches")
    table = next(t for t in section["tables"] if t["id"] == "searches")
    return next((r["values"][0] for r in table["rows"] if r["key"] == "permis"), None)


@pytest.fixture
def viewer_api(api_for, make_user):
    def make(city):
        user = make_user(city, f"viewer-cache@{city.slug}.test", Role.VIEWER)
        with in_city(city):
            return api_for(city, token_create(user=user))

    return make


@override_settings(TREMPLIN_ANALYTICS_CACHE_SECONDS=600)
def test_cached_figures_last_until_the_rollups_are_rebuilt(grigny, gennevilliers, viewer_api):
    add_events(grigny, _searches(12, "a"))
    with in_city(grigny):
        rollups.rollup_period(period=Period.MONTH, day=date(2025, 3, 1))
    api = viewer_api(grigny)
    assert _permis(api.get(URL, MARCH)) == 12
    with in_city(grigny):  # figures gone behind the cache's back: the cached page still shows
        Figure.objects.all().delete()
    assert _permis(api.get(URL, MARCH)) == 12
    assert _permis(api.get(URL, {**MARCH, "to": "2025-03-30"})) is None  # other filters
    add_events(grigny, _searches(3, "b"))
    with in_city(grigny):  # a rebuild is seen at once
        rollups.rollup_period(period=Period.MONTH, day=date(2025, 3, 1))
    assert _permis(api.get(URL, MARCH)) == 15
    # Another city with the same filters never gets Grigny's cached figures.
    assert _permis(viewer_api(gennevilliers).get(URL, MARCH)) is None


@override_settings(TREMPLIN_ANALYTICS_CACHE_SECONDS=600)
def test_a_new_population_snapshot_is_seen_at_once(grigny, viewer_api):
    api = viewer_api(grigny)
    body = api.get(URL).json()
    assert body["period"]["population_day"] is None
    with in_city(grigny):
        make_youth("cache@exemple.fr", birth_date=date(2005, 1, 2))
        rollups.population_snapshot(day=date.today())
    assert api.get(URL).json()["period"]["population_day"] == date.today().isoformat()


def test_the_migration_publishes_rollups_made_before_figures_existed(grigny):
    from importlib import import_module

    from django.apps import apps

    from tenant_apps.analytics.selectors import DiagnosticFilters, diagnostic

    migration = import_module("tenant_apps.analytics.migrations.0003_publish_existing_rollups")
    add_events(grigny, _searches(12, "a"))
    march = DiagnosticFilters(date(2025, 3, 1), date(2025, 3, 31))
    with in_city(grigny):
        rollups.rollup_period(period=Period.MONTH, day=date(2025, 3, 1))
        before = diagnostic(filters=march)
        Figure.objects.all().delete()
        migration.publish_existing(apps, None)
        assert diagnostic(filters=march) == before
    section = next(s for s in before["sections"] if s["id"] == "recherches")
    assert section["figures"][0]["value"] == 12
