"""City lifecycle: suspend, reactivate, archive, drop — and what each does to the portal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from kernel.errors import Conflict, ValidationFailed

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenants import provisioning
from tenants.context import in_city
from tenants.lifecycle import city_drop, city_reactivate, city_suspend
from tenants.models import AuditEntry, City, CityStatus, Domain
from tenants.services import city_onboard


def signed_in(client, city, user):
    """Sessions live in the city's schema: log in from there."""
    with in_city(city):
        client.force_login(user)
    return client


def test_suspend_then_reactivate_is_audited_and_idempotent(grigny):
    city = city_suspend(city=grigny, by="ops@tremplin.test", reason="Impayé")
    assert city.status == CityStatus.SUSPENDED
    city_suspend(city=grigny, by="ops@tremplin.test", reason="encore")
    entries = AuditEntry.objects.filter(city=grigny, action="city.suspended")
    assert [(e.actor, e.details["reason"]) for e in entries] == [("ops@tremplin.test", "Impayé")]
    assert city_reactivate(city=grigny, by="ops@tremplin.test").status == CityStatus.ACTIVE
    city_reactivate(city=grigny, by="ops@tremplin.test")
    assert AuditEntry.objects.filter(city=grigny, action="city.reactivated").count() == 1


def test_invalid_transitions_are_refused(grigny):
    City.objects.filter(pk=grigny.pk).update(status=CityStatus.ARCHIVED)
    with pytest.raises(Conflict) as excinfo:
        city_reactivate(city=grigny, by="ops")
    assert "réactiver" in excinfo.value.message
    with pytest.raises(Conflict):
        city_suspend(city=grigny, by="ops", reason="")


def test_suspending_one_city_leaves_the_others_alone(grigny, gennevilliers, client_for):
    city_suspend(city=grigny, by="ops", reason="test")
    assert City.objects.get(pk=gennevilliers.pk).status == CityStatus.ACTIVE
    assert client_for(gennevilliers).get("/").status_code == 200
    assert client_for(grigny).get("/").status_code == 503


def test_suspended_city_shows_maintenance_page_to_youth_and_visitors(grigny, client_for, make_user):
    city_suspend(city=grigny, by="ops", reason="test")
    response = client_for(grigny).get("/")
    assert response.status_code == 503
    assert "Service en maintenance" in response.content.decode()
    youth = make_user(grigny, "jeune@grigny.test", Role.YOUTH)
    client = signed_in(client_for(grigny), grigny, youth)
    assert client.get("/").status_code == 503
    # Staff must still be able to sign in.
    assert client_for(grigny).get("/connexion/").status_code == 200


def test_suspended_city_staff_can_read_but_not_write(grigny, client_for, make_user):
    staff = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    city_suspend(city=grigny, by="ops", reason="test")
    client = signed_in(client_for(grigny), grigny, staff)
    assert client.get("/").status_code == 200
    refused = client.post("/", {"x": "1"})
    assert refused.status_code == 403
    assert "lecture seule" in refused.content.decode().lower() or "pas les modifier" in (
        refused.content.decode()
    )


def test_suspended_city_api_refuses_youth_and_writes(grigny, api_for, make_user):
    staff = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    youth = make_user(grigny, "jeune@grigny.test", Role.YOUTH)
    with in_city(grigny):
        staff_token, youth_token = token_create(user=staff), token_create(user=youth)
    city_suspend(city=grigny, by="ops", reason="test")
    assert api_for(grigny, staff_token).get("/api/v1/auth/me/").status_code == 200
    refused = api_for(grigny, staff_token).post("/api/v1/auth/me/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "city_read_only"
    for token in (youth_token, None, "not-a-token"):
        answer = api_for(grigny, token).get("/api/v1/auth/me/")
        assert answer.status_code == 503
        assert answer.json()["error"]["code"] == "city_suspended"


def test_reactivated_city_serves_again(grigny, client_for):
    city_suspend(city=grigny, by="ops", reason="test")
    city_reactivate(city=grigny, by="ops")
    assert client_for(grigny).get("/").status_code == 200


def test_drop_requires_the_slug_and_an_archived_city(db):
    city = city_onboard(name="Sevran", slug="sevran", insee="93071", admin_email="a@s.test").city
    with pytest.raises(ValidationFailed) as excinfo:
        city_drop(city=city, by="ops", confirm_slug="sevra")
    assert excinfo.value.fields["confirm_slug"]
    with pytest.raises(Conflict):
        city_drop(city=city, by="ops", confirm_slug="sevran")
    assert provisioning.schema_exists("sevran")
    City.objects.filter(pk=city.pk).update(status=CityStatus.ARCHIVED)
    city_drop(city=city, by="ops@tremplin.test", confirm_slug="sevran")
    assert not provisioning.schema_exists("sevran")
    assert not City.objects.filter(slug="sevran").exists()
    assert not Domain.objects.filter(domain="sevran.localhost").exists()
    entry = AuditEntry.objects.get(action="city.dropped")
    assert (entry.actor, entry.details["slug"], entry.city) == ("ops@tremplin.test", "sevran", None)
    city_drop(city=city, by="ops", confirm_slug="sevran")  # idempotent


def test_suspension_check_costs_no_lookup_when_warm(grigny, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    city_suspend(city=grigny, by="ops", reason="test")
    client = client_for(grigny)
    client.get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 503
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "tenants_city" not in sql and "tenants_domain" not in sql


def test_a_throw_away_city_is_dropped_by_the_same_function(db):
    """Tests' clean-up drops cities in any state, through city_drop (same audit, same rows)."""
    city = city_onboard(name="Sevran", slug="sevran", insee="93071", admin_email="a@s.test").city
    assert city.status == CityStatus.ACTIVE
    city_drop(city=city, by="tests", confirm_slug="sevran", dangerously_skip_archive=True)
    assert not provisioning.schema_exists("sevran")
    assert not City.objects.filter(slug="sevran").exists()
    assert not Domain.objects.filter(domain="sevran.localhost").exists()
    entry = AuditEntry.objects.get(action="city.dropped", details__slug="sevran")
    assert entry.actor == "tests"


def test_the_escape_hatch_still_wants_the_slug(db):
    city = city_onboard(name="Sevran", slug="sevran", insee="93071", admin_email="a@s.test").city
    with pytest.raises(ValidationFailed):
        city_drop(city=city, by="tests", confirm_slug="grigny", dangerously_skip_archive=True)
    assert provisioning.schema_exists("sevran")


def test_every_drop_goes_through_city_drop():
    """Nothing else drops a city's schema or deletes City rows, and the console, the tests'
    clean-up and the benchmarks call tenants.lifecycle.city_drop."""
    root = Path(__file__).resolve().parents[2]
    layers = ("tenants", "shared_apps", "tenant_apps", "platform")
    code = [path for layer in layers for path in (root / layer).rglob("*.py")]
    offenders = {
        where
        for where, call in _calls(root, [*code, root / "tests" / "conftest.py"])
        if _drops(ast.unparse(call.func))
    }
    assert offenders == {"tenants/lifecycle.py:city_drop"}
    callers = {
        where
        for where, call in _calls(root, [*code, *(root / "tests").rglob("*.py")])
        if ast.unparse(call.func).split(".")[-1] == "city_drop"
    }
    assert {
        "shared_apps/console/views.py:city_drop",
        "tests/conftest.py:committed",
        "tests/bench/bench_matching.py:bench_city",
    } <= callers


def _drops(function: str) -> bool:
    """Dropping a schema, or deleting City rows."""
    if function.split(".")[-1] == "drop_schema":
        return True
    return function.startswith("City.objects") and function.endswith(".delete")


def _calls(root: Path, paths: list[Path]):
    """(file:function, call) for every call inside a function of `paths`; not migrations, nor
    provisioning itself (drop_schema's home, which also drops spare schemas)."""
    for path in paths:
        if "migrations" in path.parts or path == root / "tenants" / "provisioning.py":
            continue
        for function in ast.walk(ast.parse(path.read_text())):
            if isinstance(function, ast.FunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Call):
                        yield f"{path.relative_to(root)}:{function.name}", node
