"""Operator API: onboarding over HTTP, with the error shape of DESIGN.md."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenants.context import in_city
from tenants.models import City, CityStatus

BODY = {"name": "Sevran", "slug": "sevran", "insee": "93071", "admin_email": "a@sevran.test"}


def test_anonymous_is_rejected(api_for, public_host, db):
    response = api_for(public_host).post("/api/v1/cities/", BODY, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_city_staff_token_is_not_an_operator_token(api_for, make_user, grigny, public_host):
    staff = make_user(grigny, "boss@grigny.test", Role.ADMIN)
    with in_city(grigny):
        token = token_create(user=staff)
    # Not valid on the public host (different schema), and the endpoint is not on city hosts.
    assert api_for(public_host, token).get("/api/v1/cities/").status_code == 401
    assert api_for(grigny, token).get("/api/v1/cities/").status_code == 404


def test_non_operator_in_public_is_forbidden(api_for, make_user, public_host):
    user = make_user(None, "someone@tremplin.test", Role.VIEWER)
    response = api_for(public_host, token_create(user=user)).get("/api/v1/cities/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_operator_registers_a_city_and_gets_202(
    api_for, operator_token, public_host, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_for(public_host, operator_token).post("/api/v1/cities/", BODY, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["slug"] == "sevran" and body["status"] == "provisioning"
    assert body["status_url"] == "http://localhost:8000/api/v1/cities/sevran/"
    # The provisioning task is sent once, after the row is committed (by the one onboarding).
    assert [cb for cb in callbacks if "_provision_in_background" in cb.__qualname__]
    detail = api_for(public_host, operator_token).get("/api/v1/cities/sevran/").json()
    assert detail["status"] == "provisioning" and detail["domains"] == ["sevran.localhost"]
    assert detail["url"] == "http://sevran.localhost:8000/"


def test_bad_input_gives_field_errors(api_for, operator_token, public_host):
    response = api_for(public_host, operator_token).post(
        "/api/v1/cities/", {**BODY, "slug": "www", "insee": "99999"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and set(error["fields"]) == {"slug", "insee"}
    assert not City.objects.filter(slug="www").exists()


def test_missing_fields_give_field_errors(api_for, operator_token, public_host):
    response = api_for(public_host, operator_token).post("/api/v1/cities/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name", "slug", "insee", "admin_email"}


def test_duplicate_slug_is_a_409(api_for, operator_token, public_host, grigny):
    response = api_for(public_host, operator_token).post(
        "/api/v1/cities/", {**BODY, "slug": "grigny"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slug_taken"


def test_unknown_city_is_a_json_404(api_for, operator_token, public_host):
    response = api_for(public_host, operator_token).get("/api/v1/cities/nowhere/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_list_is_paginated(api_for, operator_token, public_host, grigny):
    body = api_for(public_host, operator_token).get("/api/v1/cities/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert {"grigny", "gennevilliers", "noisy-le-sec"} <= {c["slug"] for c in body["results"]}


@pytest.mark.worker
def test_onboarding_through_the_api_is_provisioned_by_a_real_worker(committed, celery_worker):
    from shared_apps.accounts.services import user_create

    operator = user_create(email="ops-worker@tremplin.test", role=Role.OPERATOR, password="x" * 12)
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token_create(user=operator)}")
    response = api.post("/api/v1/cities/", BODY, content_type="application/json")
    assert response.status_code == 202
    deadline = time.monotonic() + 60
    status = response.json()["status"]
    while status != CityStatus.ACTIVE and time.monotonic() < deadline:
        time.sleep(0.2)
        status = api.get("/api/v1/cities/sevran/").json()["status"]
    assert status == CityStatus.ACTIVE
    page = Client(HTTP_HOST="sevran.localhost").get("/")
    assert page.status_code == 200 and "Sevran" in page.content.decode()


def test_api_onboarding_writes_the_audit_row_and_the_plan_like_the_console(
    api_for, operator, operator_token, public_host
):
    from shared_apps.billing.models import Subscription
    from tenants.models import AuditEntry

    body = {**BODY, "plan": "essentiel"}
    response = api_for(public_host, operator_token).post("/api/v1/cities/", body, format="json")
    assert response.status_code == 202
    city = City.objects.get(slug="sevran")
    started = AuditEntry.objects.get(action="console.onboarding_started", city=city)
    assert started.actor == operator.email
    assert started.details == {"plan": "essentiel", "admin_email": "a@sevran.test", "via": "api"}
    assert Subscription.objects.get(city=city).plan == "essentiel"
    assert AuditEntry.objects.filter(action="billing.plan_set", city=city).exists()


def test_api_onboarding_refuses_an_unknown_plan_and_creates_nothing(
    api_for, operator_token, public_host
):
    response = api_for(public_host, operator_token).post(
        "/api/v1/cities/", {**BODY, "plan": "platine"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"plan"}
    assert not City.objects.filter(slug="sevran").exists()
