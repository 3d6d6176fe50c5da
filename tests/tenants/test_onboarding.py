"""Onboarding a city: the service, the command, and what a failure leaves behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from kernel.errors import Conflict, ValidationFailed

from shared_apps.accounts.models import Invitation, Role, User
from tenant_apps.branding.models import Branding
from tenants import provisioning
from tenants.context import in_city
from tenants.models import AuditEntry, City, CityStatus, Domain
from tenants.services import city_onboard

ROOT = Path(__file__).resolve().parents[2]
VALID = dict(name="Sevran", slug="sevran", insee="93071", admin_email="Admin@Sevran.test")


def onboard(**overrides) -> object:
    return city_onboard(**{**VALID, **overrides})


def test_onboarding_creates_schema_city_domain_branding_and_admin(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = onboard(primary_color="#0B5FA5", domain="jeunesse.sevran.test")
    city = result.city
    assert result.created
    assert city.status == CityStatus.ACTIVE and city.activated_at
    assert (city.insee, city.departement, city.region) == ("93071", "93", "11")
    assert city.population > 40000 and "93270" in city.postal_codes
    assert city.schema_name == "sevran" and provisioning.schema_exists("sevran")
    assert sorted(Domain.objects.filter(tenant=city).values_list("domain", "is_primary")) == [
        ("jeunesse.sevran.test", False),
        ("sevran.localhost", True),
    ]
    assert city.url == "http://sevran.localhost:8000/"
    with in_city(city):
        assert Branding.objects.get().primary_color == "#0B5FA5"
        admin = User.objects.get()
        assert (admin.email, admin.role) == ("admin@sevran.test", Role.ADMIN)
        assert not admin.has_usable_password()
        assert Invitation.objects.get(user=admin).is_usable
    assert result.invitation_link.startswith("http://sevran.localhost:8000/invitation/")
    assert len(mail.outbox) == 1 and result.invitation_link in mail.outbox[0].body
    assert mail.outbox[0].to == ["admin@sevran.test"]
    assert AuditEntry.objects.filter(city=city, action="city.activated").exists()


def test_onboarded_city_is_reachable_on_its_subdomain(db, client_for):
    onboard(primary_color="#1B6E3A")
    response = client_for("sevran.localhost").get("/")
    assert response.status_code == 200
    assert "Sevran" in response.content.decode() and "#1B6E3A" in response.content.decode()


def test_rerunning_onboarding_is_safe_and_reissues_the_invitation(db):
    first = onboard()
    second = onboard()
    assert not second.created and second.city.pk == first.city.pk
    assert City.objects.filter(slug="sevran").count() == 1
    assert Domain.objects.filter(tenant=first.city).count() == 1
    assert second.invitation_link and second.invitation_link != first.invitation_link
    with in_city(first.city):
        assert User.objects.count() == 1
        assert Invitation.objects.filter(revoked_at=None, used_at=None).count() == 1


def test_rerun_after_admin_chose_password_issues_no_new_invitation(db):
    first = onboard()
    with in_city(first.city):
        admin = User.objects.get()
        admin.set_password("a strong password here")
        admin.save()
    assert onboard().invitation_link is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "ab"),  # too short
        ("slug", "a" * 41),  # too long
        ("slug", "Sevran"),  # uppercase
        ("slug", "sev--ran"),  # double hyphen
        ("slug", "-sevran"),
        ("slug", "sevran-"),
        ("slug", "sévran"),
        ("slug", "sev_ran"),
        ("slug", "www"),  # reserved
        ("slug", "admin"),
        ("slug", "staff"),
        ("insee", "99999"),  # unknown commune
        ("insee", "9307"),  # malformed
        ("insee", "abcde"),
        ("admin_email", "not-an-email"),
        ("name", ""),
        ("primary_color", "blue"),
        ("primary_color", "#FFFF00"),  # white text unreadable on it
        ("domain", "localhost"),  # the platform's own host
        ("domain", "grigny.localhost"),  # another slug under the platform's domain
        ("domain", "bad host!"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(db, field, value):
    cities, schemas = City.objects.count(), _schemas()
    with pytest.raises(ValidationFailed) as caught:
        onboard(**{field: value})
    assert field in caught.value.fields
    assert caught.value.message
    assert City.objects.count() == cities and _schemas() == schemas


def test_duplicate_slug_for_another_commune_is_refused(db, grigny):
    with pytest.raises(Conflict) as caught:
        onboard(slug="grigny")
    assert caught.value.code == "slug_taken"


def test_duplicate_domain_is_refused(db, grigny):
    Domain.objects.create(domain="jeunes.example.test", tenant=grigny)
    with pytest.raises(Conflict) as caught:
        onboard(domain="jeunes.example.test")
    assert caught.value.code == "domain_taken"
    assert not City.objects.filter(slug="sevran").exists()


def test_failure_during_provisioning_leaves_nothing(db, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("disk full")

    cities, schemas, audits = City.objects.count(), _schemas(), AuditEntry.objects.count()
    monkeypatch.setattr("tenant_apps.branding.hooks.branding_initialize", crash)
    with pytest.raises(RuntimeError):
        onboard()
    assert City.objects.count() == cities
    assert not Domain.objects.filter(domain="sevran.localhost").exists()
    assert _schemas() == schemas and not provisioning.schema_exists("sevran")
    assert AuditEntry.objects.count() == audits


def test_command_prints_url_and_invitation(db):
    from io import StringIO

    out = StringIO()
    call_command("onboard_city", "--name", "Sevran", "--slug", "sevran", "--insee", "93071",
                 "--admin-email", "admin@sevran.test", stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "http://sevran.localhost:8000/" in text
    assert "http://sevran.localhost:8000/invitation/" in text


def test_command_reports_bad_input_as_command_error(db):
    with pytest.raises(CommandError, match="slug"):
        call_command("onboard_city", "--name", "X", "--slug", "www", "--insee", "93071",
                     "--admin-email", "a@b.test")  # fmt: skip


def test_command_exits_non_zero_with_one_clear_line():
    """The real process: exit status and a single line on stderr, no traceback."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tremplin.settings.base"}
    completed = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "onboard_city", "--name", "X", "--slug",
         "Bad Slug", "--insee", "00000", "--admin-email", "a@b.test"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode != 0
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, completed.stderr
    assert "slug" in lines[0] and "insee" in lines[0] and "Traceback" not in completed.stderr


def _schemas() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def test_command_writes_the_audit_row_and_the_plan_like_the_console(db):
    from io import StringIO

    from shared_apps.billing.models import Subscription

    call_command("onboard_city", "--name", "Sevran", "--slug", "sevran", "--insee", "93071",
                 "--admin-email", "admin@sevran.test", "--plan", "territoire",
                 stdout=StringIO())  # fmt: skip
    city = City.objects.get(slug="sevran")
    started = AuditEntry.objects.get(action="console.onboarding_started", city=city)
    assert (started.actor, started.details["via"]) == ("system", "command")
    assert started.details["plan"] == "territoire"
    assert Subscription.objects.get(city=city).plan == "territoire"
