"""Grigny's two admins demote each other at the same instant, each on their own database
connection: the admin rows are locked, one demotion goes through, the other is a 409
(`last_admin`), never a deadlock nor a city without an admin."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from kernel.errors import Conflict

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import user_create, user_delete
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.staff.services import member_update
from tenants.context import in_city
from tenants.models import City

from ...concurrency import wait_until_a_query_waits_for_a_lock

PASSWORD = "un mot de passe solide"


@pytest.fixture
def admins(committed):
    city = City.objects.get(slug="grigny")
    with in_city(city):
        awa = user_create(email="awa@grigny.test", role=Role.ADMIN, password=PASSWORD)
        bob = user_create(email="bob@grigny.test", role=Role.ADMIN, password=PASSWORD)
    yield city, awa, bob
    with in_city(city):
        StaffAuditEntry.objects.filter(object_label__in=[awa.email, bob.email]).delete()
        for user in (awa, bob):
            user_delete(user=user)
    connection.set_schema_to_public()


def test_two_admins_demoting_each_other_at_once_leave_one_admin(admins):
    city, awa, bob = admins
    inside, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def awa_demotes_bob() -> None:
        try:
            with in_city(city), transaction.atomic():
                member_update(member=bob, by=awa, role=Role.EDITOR)
                inside.set()
                release.wait(20)
            outcome["awa"] = "done"
        except BaseException as exc:  # reported by the test
            outcome["awa"] = exc
            inside.set()
        finally:
            connection.close()

    def bob_demotes_awa() -> None:
        try:
            with in_city(city):
                outcome["bob"] = member_update(member=awa, by=bob, role=Role.EDITOR)
        except BaseException as exc:  # reported by the test
            outcome["bob"] = exc
        finally:
            connection.close()

    first, second = (
        threading.Thread(target=awa_demotes_bob),
        threading.Thread(target=bob_demotes_awa),
    )
    try:
        first.start()
        assert inside.wait(20)
        second.start()
        wait_until_a_query_waits_for_a_lock()  # Bob waits for the admins' rows, not for luck
    finally:
        release.set()
        first.join(30)
        second.join(30)
    assert outcome["awa"] == "done", repr(outcome["awa"])
    refused = outcome["bob"]
    assert isinstance(refused, Conflict) and refused.code == "last_admin", repr(refused)
    with in_city(city):
        roles = dict(User.objects.filter(pk__in=[awa.pk, bob.pk]).values_list("email", "role"))
    assert roles == {"awa@grigny.test": Role.ADMIN, "bob@grigny.test": Role.EDITOR}
