"""What tenants asks the apps (tenants.hooks): who is registered, in which order, and that a
hook's failure during onboarding leaves nothing behind."""

from __future__ import annotations

import pytest
from django.db import connection
from kernel.errors import ValidationFailed

from tenants import hooks, provisioning
from tenants.models import AuditEntry, City, Domain
from tenants.services import city_onboard

SEVRAN = dict(name="Sevran", slug="sevran", insee="93071", admin_email="a@sevran.test")


def test_the_apps_registered_their_hooks_in_the_documented_order():
    assert hooks.validate.names() == ["geo.insee", "branding.primary_color", "billing.plan"]
    assert hooks.prepare.names() == ["geo.commune"]
    assert hooks.registered.names() == ["billing.plan"]
    assert hooks.seed.names() == ["branding", "youth.neighbourhoods", "accounts.first_admin"]
    assert hooks.renamed.names() == ["branding"]
    assert type(hooks.feature_store()).__name__ == "FeatureSettingStore"


def test_hooks_run_by_order_then_name_and_a_name_registers_once():
    step = hooks.Hooks("test")
    calls = []
    step.register("b", lambda: calls.append("b"), order=10)
    step.register("a", lambda: calls.append("a"), order=10)
    step.register("first", lambda: calls.append("first"), order=1)
    step.register("b", lambda: calls.append("b again"), order=10)  # replaces "b"
    for hook in step:
        hook()
    assert calls == ["first", "a", "b again"]
    step.unregister("a")
    assert step.names() == ["first", "b"]


@pytest.fixture
def extra_seed():
    """Register a seed hook for one test, and take it away afterwards."""
    registered = []

    def register(hook, order=50):
        hooks.seed.register("tests.extra", hook, order=order)
        registered.append("tests.extra")

    yield register
    for name in registered:
        hooks.seed.unregister(name)


def test_a_seed_hook_runs_in_the_new_city_schema_after_the_earlier_ones(db, extra_seed):
    seen = {}

    def spy(seeding: hooks.CitySeed) -> None:
        from tenant_apps.branding.models import Branding

        seen["schema"] = connection.schema_name
        seen["branding"] = Branding.objects.get().display_name  # branding (10) ran before
        seen["invitation"] = seeding.invitation_link  # accounts (90) has not run yet

    extra_seed(spy, order=50)
    result = city_onboard(**SEVRAN)
    assert seen == {"schema": "sevran", "branding": "Sevran", "invitation": None}
    assert result.invitation_link  # filled by accounts.first_admin, last
    assert connection.schema_name == "public"


def test_a_failing_seed_hook_leaves_nothing(db, extra_seed):
    def crash(seeding: hooks.CitySeed) -> None:
        raise RuntimeError("seed failed")

    extra_seed(crash, order=95)  # after the first admin's invitation
    audits = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        city_onboard(**SEVRAN)
    assert not City.objects.filter(slug="sevran").exists()
    assert not Domain.objects.filter(domain="sevran.localhost").exists()
    assert not provisioning.schema_exists("sevran")
    assert AuditEntry.objects.count() == audits


def test_our_checks_and_the_apps_checks_are_reported_together(db):
    with pytest.raises(ValidationFailed) as caught:
        city_onboard(**{**SEVRAN, "slug": "www", "insee": "99999", "primary_color": "#FFFF00",
                        "plan": "platine"})  # fmt: skip
    fields = caught.value.fields
    assert list(fields) == ["slug", "insee", "primary_color", "plan"]  # the form's order
    assert "réservé" in caught.value.message  # the first field's message
    assert "99999" in fields["insee"][0] and "trop claire" in fields["primary_color"][0]
    assert "essentiel" in fields["plan"][0]


def test_a_malformed_insee_code_keeps_its_own_message(db):
    with pytest.raises(ValidationFailed) as caught:
        city_onboard(**{**SEVRAN, "insee": "9307"})
    assert caught.value.fields["insee"] == [
        "Le code INSEE comporte 5 caractères (par exemple 91286)."
    ]


def test_the_commune_fills_the_city_row(db):
    city = city_onboard(**SEVRAN).city
    assert (city.departement, city.region, city.epci) == ("93", "11", "200054781")
    assert city.population > 40000 and "93270" in city.postal_codes
