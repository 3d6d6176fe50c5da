"""The one door for cross-city work: each city in its schema, a failing city fails alone and is
logged, sent to Sentry with its city and reported; one task per city; one city by name."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.db import connection

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import user_create
from tenants.context import in_city
from tenants.crosscity import (
    CrossCityFailed,
    run_in_city,
    run_in_each_city,
    send_to_each_city,
)
from tenants.models import City, CityStatus

from .crosscity import break_table, city_tags, sentry_events

FIXTURES = ["gennevilliers", "grigny", "noisy-le-sec"]


def where(city: City) -> tuple[str, str]:
    return connection.schema_name, connection.tenant.slug


def test_each_active_city_in_its_own_schema_in_slug_order(grigny, gennevilliers, noisy):
    report = run_in_each_city(where, slugs=FIXTURES)
    assert [o.city for o in report.outcomes] == FIXTURES
    assert report.values() == {
        city.slug: (city.schema_name, city.slug) for city in (grigny, gennevilliers, noisy)
    }
    assert report.ok and report.summary() == "where: 3 cities ok, 0 failed"
    assert connection.schema_name == "public"  # back where it started


def test_filters_statuses_slugs_and_explicit_cities(grigny, gennevilliers, noisy):
    City.objects.filter(pk=noisy.pk).update(status=CityStatus.SUSPENDED)
    assert list(run_in_each_city(where, slugs=FIXTURES).values()) == ["gennevilliers", "grigny"]
    every = run_in_each_city(where, slugs=FIXTURES, statuses=None)
    assert list(every.values()) == FIXTURES
    suspended = run_in_each_city(where, statuses=[CityStatus.SUSPENDED])
    assert list(suspended.values()) == ["noisy-le-sec"]
    chosen = run_in_each_city(where, cities=[grigny, gennevilliers])  # a list: sorted too
    assert list(chosen.values()) == ["gennevilliers", "grigny"]
    queryset = run_in_each_city(where, cities=City.objects.filter(slug="grigny"))
    assert list(queryset.values()) == ["grigny"]


def test_a_failing_city_is_rolled_back_alone_logged_reported_and_the_loop_goes_on(
    grigny, gennevilliers, noisy, caplog
):
    def sign_up_then_maybe_fail(city: City) -> int:
        user_create(email=f"lea@{city.slug}.test", role=Role.YOUTH)
        if city.slug == "gennevilliers":
            raise ValueError("gennevilliers is broken")
        return 1

    with sentry_events() as events, caplog.at_level(logging.ERROR, "tenants.crosscity"):
        report = run_in_each_city(sign_up_then_maybe_fail, label="sign-up", slugs=FIXTURES)

    assert [(o.city, o.ok) for o in report.outcomes] == [
        ("gennevilliers", False),
        ("grigny", True),
        ("noisy-le-sec", True),
    ]
    assert report.total() == 2 and not report.ok
    assert isinstance(report.failed[0].error, ValueError)
    assert report.summary() == (
        "sign-up: 2 cities ok, 1 failed (gennevilliers: ValueError: gennevilliers is broken)"
    )
    for city, kept in ((gennevilliers, False), (grigny, True), (noisy, True)):
        with in_city(city):  # the failing city's write was rolled back, and only there
            assert User.objects.filter(email=f"lea@{city.slug}.test").exists() is kept
    assert city_tags(events) == ["gennevilliers"]
    assert events[0]["tags"]["crosscity"] == "sign-up"
    assert events[0]["exception"]["values"][0]["type"] == "ValueError"
    (record,) = caplog.records
    assert record.getMessage() == "sign-up failed in city gennevilliers" and record.exc_info
    with pytest.raises(CrossCityFailed, match="gennevilliers") as raised:
        report.raise_if_failed()
    assert raised.value.report is report


def test_a_database_error_in_one_city_leaves_the_next_cities_working(grigny, gennevilliers):
    """Inside an outer transaction too (as here): the failing city's savepoint is rolled back,
    so PostgreSQL does not refuse every later statement."""
    from tenant_apps.analytics.models import Event  # a table every city has, public does not

    break_table(gennevilliers, Event._meta.db_table)
    for atomic in (True, False):
        report = run_in_each_city(
            lambda city: Event.objects.count(), slugs=["gennevilliers", "grigny"], atomic=atomic
        )
        assert [o.city for o in report.failed] == ["gennevilliers"]
        assert list(report.values()) == ["grigny"]


def test_work_that_commits_as_it_goes_keeps_what_it_did_before_failing(committed):
    """atomic=False (e-mails sent and marked): what was done before the failure stays done;
    atomic=True: nothing of the failing city stays."""
    grigny = City.objects.get(slug="grigny")
    emails = {True: "atomic@grigny.test", False: "as-it-goes@grigny.test"}

    def write_then_fail(atomic: bool):
        def work(city: City) -> None:
            user_create(email=emails[atomic], role=Role.YOUTH)
            raise RuntimeError("after the write")

        return work

    try:
        for atomic in (True, False):
            report = run_in_each_city(write_then_fail(atomic), slugs=["grigny"], atomic=atomic)
            assert [o.city for o in report.failed] == ["grigny"]
        with in_city(grigny):
            assert set(User.objects.filter(email__in=emails.values()).values_list(
                "email", flat=True)) == {"as-it-goes@grigny.test"}  # fmt: skip
    finally:
        with in_city(grigny):
            User.objects.filter(email__in=emails.values()).delete()


def test_run_in_city_returns_the_value_and_raises_as_it_is(grigny):
    assert run_in_city(grigny, where) == (grigny.schema_name, "grigny")
    assert connection.schema_name == "public"

    def fail(city: City) -> None:
        raise LookupError(city.slug)

    with pytest.raises(LookupError, match="grigny"):
        run_in_city(grigny, fail)
    assert connection.schema_name == "public"


class FakeTask:
    """Celery's side of `apply_async`, at its boundary: what schema each copy was sent from
    (tenant-schemas-celery copies it into the task's headers) and with which arguments."""

    name = "tests.fake_task"

    def __init__(self, *, broker_down_for: str = "") -> None:
        self.broker_down_for = broker_down_for
        self.sent: list[tuple[str, tuple, dict | None]] = []

    def apply_async(self, args=(), kwargs=None):
        if connection.schema_name == self.broker_down_for:
            raise ConnectionError("broker unreachable")
        self.sent.append((connection.schema_name, args, kwargs))
        return SimpleNamespace(id=f"task-{len(self.sent)}")


def test_one_task_per_city_sent_from_its_schema(grigny, gennevilliers, noisy):
    task = FakeTask()
    report = send_to_each_city(task, kwargs={"day": "2026-03-01"}, slugs=FIXTURES)
    assert task.sent == [
        (city.schema_name, (), {"day": "2026-03-01"}) for city in (gennevilliers, grigny, noisy)
    ]
    assert report.values() == {
        "gennevilliers": "task-1",
        "grigny": "task-2",
        "noisy-le-sec": "task-3",
    }
    assert report.label == "tests.fake_task" and connection.schema_name == "public"


def test_a_city_whose_task_cannot_be_sent_is_reported_and_the_others_are_sent(
    grigny, gennevilliers
):
    task = FakeTask(broker_down_for=gennevilliers.schema_name)
    with sentry_events() as events:
        report = send_to_each_city(task, slugs=["gennevilliers", "grigny"])
    assert [schema for schema, _, _ in task.sent] == [grigny.schema_name]
    assert [(o.city, o.ok) for o in report.outcomes] == [("gennevilliers", False), ("grigny", True)]
    assert city_tags(events) == ["gennevilliers"]
