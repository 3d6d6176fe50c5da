"""Onboardings cut off half-way (a worker killed, a task never sent) finish by themselves, and
the spare pool never holds more than it was asked for."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from tenant_apps.branding.models import Branding
from tenants import hooks, provisioning
from tenants.context import in_city
from tenants.models import AuditEntry, City, CityStatus
from tenants.services import (
    MAX_PROVISIONING_FAILURES,
    STALLED_AFTER,
    city_onboard,
    city_provisioning_resume_stalled,
    city_register,
    city_request_validate,
)
from tenants.tasks import resume_stalled_provisioning

SEVRAN = dict(name="Sevran", slug="sevran", insee="93071", admin_email="a@sevran.test")


def stuck_city(*, minutes_ago: float = 11, **overrides) -> City:
    """A city registered for background provisioning whose task never ran: no schema."""
    city_onboard(**{**SEVRAN, **overrides}, background=True)  # on_commit never fires here
    city = City.objects.get(slug=overrides.get("slug", "sevran"))
    City.objects.filter(pk=city.pk).update(
        updated_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    assert city.status == CityStatus.PROVISIONING
    assert not provisioning.schema_exists(city.schema_name)
    return city


def test_a_stalled_city_is_provisioned_with_the_colour_it_asked_for(db):
    city = stuck_city(primary_color="#123ABC")
    assert city_provisioning_resume_stalled() == {"sevran": CityStatus.ACTIVE}
    city.refresh_from_db()
    assert city.status == CityStatus.ACTIVE and provisioning.schema_exists("sevran")
    with in_city(city):
        assert Branding.objects.get().primary_color == "#123ABC"
    assert AuditEntry.objects.filter(city=city, action="city.provisioning_resumed").exists()


def test_a_city_whose_task_may_still_run_is_left_alone(db):
    stuck_city(minutes_ago=STALLED_AFTER.total_seconds() / 60 - 1)
    assert city_provisioning_resume_stalled() == {}
    assert City.objects.get(slug="sevran").status == CityStatus.PROVISIONING


@pytest.fixture
def failing_seed():
    def boom(seeding: hooks.CitySeed) -> None:
        raise RuntimeError("the commune's data service is down")

    hooks.seed.register("tests.boom", boom, order=99)
    yield
    hooks.seed.unregister("tests.boom")


def test_a_failing_resume_rolls_back_and_gives_up_after_a_few_failures(db, failing_seed):
    city = stuck_city()
    for attempt in range(1, MAX_PROVISIONING_FAILURES + 1):
        assert city_provisioning_resume_stalled() == {"sevran": CityStatus.FAILED}, attempt
        city.refresh_from_db()
        assert city.status == CityStatus.FAILED and "data service" in city.provisioning_error
        assert not provisioning.schema_exists("sevran")  # rolled back, never half-made
        assert city_provisioning_resume_stalled() == {}  # not again before the deadline
        City.objects.filter(pk=city.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert city_provisioning_resume_stalled() == {}  # left to the operator now
    failures = AuditEntry.objects.filter(city=city, action="city.provisioning_failed")
    assert failures.count() == MAX_PROVISIONING_FAILURES


def test_the_beat_runs_the_sweeper():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "tenants.tasks.resume_stalled_provisioning" in schedule
    assert resume_stalled_provisioning.name == "tenants.tasks.resume_stalled_provisioning"


@pytest.mark.worker
def test_a_real_worker_resumes_a_stalled_city(committed, celery_worker):
    request = city_request_validate(**SEVRAN)
    city, _ = city_register(request=request)  # what a worker killed mid-onboarding leaves
    City.objects.filter(pk=city.pk).update(updated_at=timezone.now() - timedelta(minutes=30))
    resume_stalled_provisioning.delay()
    deadline = time.monotonic() + 60
    while City.objects.get(pk=city.pk).status != CityStatus.ACTIVE:
        assert time.monotonic() < deadline, "the worker never resumed the onboarding"
        time.sleep(0.2)
    assert provisioning.schema_exists("sevran")


def test_up_starts_whatever_onboarding_a_crash_cut_off(committed):
    """The issue's `no schema has been selected to create in`: django-tenants' migrate stops
    on a city without schema; `up` migrates the schemas that exist and finishes the city."""
    from tremplin.management.commands.up import Command

    city, _ = city_register(request=city_request_validate(**SEVRAN))
    with pytest.raises(Exception, match="no schema has been selected to create in"):
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    connection.close()  # that failure left the connection in a broken transaction
    Command()._prepare(demo=False)
    city.refresh_from_db()
    assert city.status == CityStatus.ACTIVE and provisioning.schema_exists("sevran")


def test_concurrent_refills_never_make_more_spares_than_asked(committed):
    barrier = threading.Barrier(3)
    created: list[int] = []

    def refill() -> None:
        try:
            barrier.wait()
            created.append(provisioning.spare_pool_refill(size=2))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refill) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(created) == [0, 0, 2]
        assert len(provisioning._spare_names(current_only=True)) == 2
    finally:
        for spare in provisioning._spare_names(current_only=True):
            provisioning.drop_schema(spare)
