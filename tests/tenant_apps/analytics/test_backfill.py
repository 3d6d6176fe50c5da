"""analytics_backfill over every city: a city that fails is rolled back and reported, the
others are rebuilt, and the command exits in error."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tenant_apps.analytics.models import Rollup
from tenants.context import in_city
from tests.tenants.crosscity import break_table, city_tags, sentry_events

from .conftest import add_events, at, people


def _searches(n: int, prefix: str) -> list[dict]:
    return [
        dict(at=at(2025, 3), kind="search", pseudonym=p, query="permis", results=0)
        for p in people(n, prefix)
    ]


def test_a_failing_city_does_not_stop_the_backfill_of_the_others(
    grigny, gennevilliers, noisy, capsys
):
    add_events(grigny, _searches(10, "a"))
    add_events(gennevilliers, _searches(10, "b"))
    break_table(gennevilliers, Rollup._meta.db_table)  # comes first: slug order
    with sentry_events() as events, pytest.raises(CommandError, match="2 cities ok, 1 failed"):
        call_command("analytics_backfill", "--from", "2025-03-01")
    with in_city(grigny):
        assert Rollup.objects.get(period="month", dimension="query", key="permis").people == 10
        assert Rollup.objects.filter(period="day", start=date(2025, 3, 10)).exists()
    output = capsys.readouterr()
    assert "grigny:" in output.out and "noisy-le-sec:" in output.out
    assert "gennevilliers:" not in output.out and "gennevilliers: failed" in output.err
    assert city_tags(events) == ["gennevilliers"]
