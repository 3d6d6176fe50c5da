"""The whole onboarding from the console, with a real Celery worker provisioning the city."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import user_create


@pytest.mark.worker
def test_operator_onboards_a_city_from_the_console(committed, celery_worker):
    operator = user_create(email="ops-console@tremplin.test", role=Role.OPERATOR, password="x" * 12)
    console = Client(HTTP_HOST="localhost")
    console.force_login(operator)
    found = console.get("/console/villes/nouvelle/", {"q": "Sevran"}).content.decode()
    assert "?insee=93071" in found
    form = console.get("/console/villes/nouvelle/", {"insee": "93071"}).content.decode()
    assert 'value="sevran"' in form
    response = console.post(
        "/console/villes/nouvelle/",
        {"insee": "93071", "name": "Sevran", "slug": "sevran", "admin_email": "j@sevran.test",
         "primary_color": "#0B5FA5", "plan": ""},
    )  # fmt: skip
    progress_url = response["Location"]
    deadline = time.monotonic() + 60
    page = console.get(progress_url).content.decode()
    while 'http-equiv="refresh"' in page and time.monotonic() < deadline:
        time.sleep(0.3)
        page = console.get(progress_url).content.decode()
    assert "http://sevran.localhost:8000/" in page
    assert Client(HTTP_HOST="sevran.localhost").get("/").status_code == 200
