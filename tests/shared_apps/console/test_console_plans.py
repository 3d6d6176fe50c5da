"""The console shows plan → features, and per city which features come from the plan and which
are the operator's overrides; an operator records a plan or clears an override from there."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shared_apps.billing.models import BillingState, Subscription
from shared_apps.billing.services import city_plan_set
from tenants.features import feature_allow, feature_states
from tenants.models import AuditEntry


@pytest.fixture
def console(operator, public_host) -> Client:
    client = Client(HTTP_HOST=public_host)
    client.force_login(operator)
    return client


def _row(page: str, label: str) -> str:
    match = re.search(rf'<th scope="row">{label}.*?</tr>', page, re.S)
    assert match, label
    return re.sub(r"<[^>]+>", " ", match.group(0))


def test_the_plans_page_is_a_table_of_plan_and_features(console, grigny):
    page = console.get("/console/formules/").content.decode()
    assert "Essentiel" in page and "Territoire" in page and "290 €" in page
    mentors = _row(page, "Mentors")
    assert mentors.count("non incluse") == 1 and mentors.count("✓") == 1
    assert _row(page, "Notifications").count("✓") == 2


def test_the_plans_page_is_for_operators_only(grigny, make_user, public_host):
    from shared_apps.accounts.models import Role

    client = Client(HTTP_HOST=public_host)
    client.force_login(make_user(None, "editor@tremplin.test", Role.EDITOR))
    assert client.get("/console/formules/").status_code == 403


def test_a_city_page_tells_plan_features_from_overrides(console, grigny, gennevilliers):
    console.post("/console/villes/grigny/formule/", {"plan": "essentiel"})
    assert Subscription.objects.get(city=grigny).plan == "essentiel"
    console.post("/console/villes/grigny/fonctionnalites/", {"key": "mentors", "allowed": "1"})
    page = console.get("/console/villes/grigny/").content.decode()
    assert "Formule : <strong>Essentiel</strong>" in page
    assert "formule" in _row(page, "Notifications")
    mentors = _row(page, "Mentors")
    assert "dérogation" in mentors and "Revenir à la formule" in mentors
    assert not any(s.allowed for s in feature_states(city=gennevilliers))

    console.post("/console/villes/grigny/fonctionnalites/formule/", {"key": "mentors"})
    assert {s.feature.key for s in feature_states(city=grigny) if s.allowed} == {"notifications"}
    assert AuditEntry.objects.filter(city=grigny, action="feature.override_cleared").exists()
    assert "dérogation" not in _row(console.get("/console/villes/grigny/").content.decode(),
                                    "Mentors")  # fmt: skip


def test_a_subscribed_citys_plan_changes_in_stripe_not_here(console, grigny):
    city_plan_set(city=grigny, plan="essentiel", by="ops")
    Subscription.objects.filter(city=grigny).update(state=BillingState.ACTIVE)
    response = console.post(
        "/console/villes/grigny/formule/", {"plan": "territoire"}, follow=True
    ).content.decode()
    assert "portail de facturation" in response
    assert Subscription.objects.get(city=grigny).plan == "essentiel"
    bad = console.post("/console/villes/grigny/formule/", {"plan": "luxe"}, follow=True)
    assert "Choisis une formule dans la liste" in bad.content.decode()


def test_an_override_is_kept_when_the_plan_changes_from_the_console(console, grigny):
    feature_allow(city=grigny, key="mentors", allowed=True, by="ops")
    console.post("/console/villes/grigny/formule/", {"plan": "territoire"})
    console.post("/console/villes/grigny/formule/", {"plan": "essentiel"})
    assert {s.feature.key for s in feature_states(city=grigny) if s.allowed} == {
        "mentors",
        "notifications",
    }
