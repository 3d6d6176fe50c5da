"""The same sign-up submitted twice at once (two threads, two database connections): one
account, and the second answered like the first (a 201 on the API, the questionnaire's address
on the page: a sign-up never tells whether the address was known); never a 500."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from shared_apps.accounts.models import User
from tenant_apps.youth.services import account_delete, youth_signup
from tenants.context import in_city
from tenants.models import City

from ...concurrency import wait_until_a_query_waits_for_a_lock
from ...conftest import host_of

EMAIL = "jumeau@exemple.fr"
PASSWORD = "un mot de passe solide"
BIRTH = date(2006, 5, 4)
FORM = {"email": EMAIL, "password": PASSWORD, "birth_date": BIRTH.isoformat()}


def _submit_api(city):
    return APIClient(HTTP_HOST=host_of(city)).post(
        "/api/v1/auth/signup/",
        {**FORM, "accept_terms": True},
        format="json",
    )


def _submit_page(city):
    return Client(HTTP_HOST=host_of(city)).post(
        "/inscription/",
        {**FORM, "accept_terms": "on"},
    )


@pytest.mark.parametrize("door", ["api", "page"])
def test_the_same_signup_twice_at_once_opens_one_account(door, committed):
    """The first sign-up is inside its transaction (row inserted, not committed) when the
    second arrives: the second's insert waits, then finds the address taken."""
    city = City.objects.get(slug="grigny")
    inside, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with in_city(city), transaction.atomic():
                youth_signup(email=EMAIL, password=PASSWORD, birth_date=BIRTH, accept_terms=True)
                inside.set()
                release.wait(20)
            outcome["first"] = "created"
        except BaseException as exc:  # reported below
            outcome["first"] = exc
            inside.set()
        finally:
            connection.close()

    def second() -> None:
        try:
            outcome["second"] = (_submit_api if door == "api" else _submit_page)(city)
        except BaseException as exc:  # a 500 raises here (the test client re-raises)
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        threads[0].start()
        assert inside.wait(20)
        threads[1].start()
        wait_until_a_query_waits_for_a_lock()
        release.set()
        for thread in threads:
            thread.join(30)
        assert outcome["first"] == "created"
        response = outcome["second"]
        assert not isinstance(response, BaseException), repr(response)
        if door == "api":
            assert response.status_code == 201
            assert response.json()["email"] == EMAIL
        else:
            assert response.status_code == 302
            assert response["Location"] == "/mon-profil/situation/"
        with in_city(city):
            assert User.objects.filter(email=EMAIL).count() == 1
    finally:
        release.set()
        with in_city(city):
            for user in User.objects.filter(email=EMAIL):
                account_delete(user=user)
        connection.set_schema_to_public()


def test_two_simultaneous_api_signups_answer_201_twice_and_open_one_account(committed):
    """Both requests released at the same instant (no choreography): never a 500."""
    city = City.objects.get(slug="grigny")
    barrier = threading.Barrier(2)
    statuses: list[object] = []

    def submit() -> None:
        try:
            barrier.wait()
            statuses.append(_submit_api(city).status_code)
        except BaseException as exc:  # reported below
            statuses.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert statuses == [201, 201]
        with in_city(city):
            assert User.objects.filter(email=EMAIL).count() == 1
    finally:
        with in_city(city):
            for user in User.objects.filter(email=EMAIL):
                account_delete(user=user)
        connection.set_schema_to_public()
