"""Plans that mean something: a plan allows its features, an operator's override outlives plan
changes, a downgrade withdraws features when the paid period ends (the admins are told), and a
city cannot switch on a feature its plan lacks."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from kernel.errors import PermissionDenied

from shared_apps.accounts.models import Role
from shared_apps.billing import services
from shared_apps.billing.models import Subscription
from shared_apps.billing.selectors import city_plan_features, plan_feature_table
from shared_apps.billing.tasks import process_stripe_event
from tenant_apps.features.models import FeatureSetting
from tenant_apps.matching.models import InboxMessage
from tenants.context import in_city
from tenants.features import (
    feature_allow,
    feature_enable,
    feature_enabled,
    feature_states,
    feature_switch,
)
from tenants.models import AuditEntry

from .fake_stripe import checkout_session, event, signed, subscription

WEBHOOK = "/billing/stripe/webhook/"
DAY = 86400
ESSENTIEL = {"notifications"}
TERRITOIRE = {"notifications", "mentors", "diagnostic_export", "custom_domain"}


def allowed(city) -> set[str]:
    return {s.feature.key for s in feature_states(city=city) if s.allowed}


def sources(city) -> dict[str, str]:
    return {s.feature.key: s.source for s in feature_states(city=city) if s.source}


def test_the_catalogue_lists_what_each_plan_allows():
    plans, rows = plan_feature_table()
    assert [p.key for p in plans] == ["essentiel", "territoire"]
    table = {row.feature.key: row.included for row in rows}
    assert table["notifications"] == [True, True]
    assert table["mentors"] == [False, True]


def test_onboarding_with_a_plan_allows_its_features(db):
    from tenants.models import CityFeature
    from tenants.services import city_onboard

    city = city_onboard(
        name="Sevran", slug="sevran", insee="93071", admin_email="admin@sevran.test",
        plan="territoire", by="ops@tremplin.test", via="console", background=True,
    ).city  # fmt: skip
    rows = CityFeature.objects.filter(city=city)
    assert {(r.key, r.allowed, r.source) for r in rows} == {
        (key, True, "plan") for key in TERRITOIRE
    }


def test_a_plan_allows_its_features_in_its_city_only(grigny, gennevilliers):
    services.city_plan_set(city=grigny, plan="essentiel", by="ops@tremplin.test")
    assert allowed(grigny) == ESSENTIEL
    assert sources(grigny) == {"notifications": "plan"}
    assert allowed(gennevilliers) == set()
    services.city_plan_set(city=grigny, plan="territoire", by="ops@tremplin.test")
    assert allowed(grigny) == TERRITOIRE  # no period running: applied at once
    services.city_plan_set(city=grigny, plan="essentiel", by="ops@tremplin.test")
    assert allowed(grigny) == ESSENTIEL
    assert allowed(gennevilliers) == set()
    withdrawn = AuditEntry.objects.filter(city=grigny, action="feature.plan_withdrawn")
    assert {"key": "mentors", "plan": "essentiel"} in [e.details for e in withdrawn]


def test_an_operator_override_outlives_plan_changes_until_cleared(grigny):
    services.city_plan_set(city=grigny, plan="essentiel", by="ops")
    feature_allow(city=grigny, key="mentors", allowed=True, by="ops@tremplin.test")
    feature_allow(city=grigny, key="notifications", allowed=False, by="ops@tremplin.test")
    assert sources(grigny) == {"mentors": "operator", "notifications": "operator"}
    services.city_plan_set(city=grigny, plan="territoire", by="ops")
    services.city_plan_set(city=grigny, plan="essentiel", by="ops")
    assert allowed(grigny) == {"mentors"}  # both overrides held through two plan changes
    assert list(
        AuditEntry.objects.filter(city=grigny, action__in=["feature.allowed", "feature.denied"])
        .order_by("pk")
        .values_list("actor", "action")
    ) == [("ops@tremplin.test", "feature.allowed"), ("ops@tremplin.test", "feature.denied")]

    services.city_feature_follow_plan(city=grigny, key="notifications", by="ops")
    services.city_feature_follow_plan(city=grigny, key="mentors", by="ops")
    assert allowed(grigny) == ESSENTIEL
    assert sources(grigny)["mentors"] == "plan"


def test_a_city_cannot_switch_on_a_feature_its_plan_lacks(grigny, client_for, make_user):
    services.city_plan_set(city=grigny, plan="essentiel", by="ops")
    with pytest.raises(PermissionDenied) as excinfo:
        feature_switch(city=grigny, key="mentors", enabled=True, by="admin")
    assert excinfo.value.code == "feature_not_in_plan"

    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(admin)
    page = client.get("/staff/fonctionnalites/").content.decode()
    assert "formule <strong>Essentiel</strong>" in page
    refused = client.post(
        "/staff/fonctionnalites/", {"key": "mentors", "enabled": "1"}, follow=True
    ).content.decode()
    assert "n&#x27;est pas incluse dans la formule" in refused
    with in_city(grigny):
        assert not FeatureSetting.objects.filter(key="mentors", enabled=True).exists()
    client.post("/staff/fonctionnalites/", {"key": "notifications", "enabled": "1"})
    assert feature_enabled(grigny, "notifications") is True
    assert feature_enabled(grigny, "mentors") is False


# A downgrade through Stripe's Billing Portal, withdrawn at the period's end.


def _deliver(client_for, public_host, evt, capture):
    payload, header = signed(evt)
    with capture(execute=True):
        response = client_for(public_host).post(
            WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        assert response.status_code == 200, response.content
    # The task the webhook queued (run here, with its own on-commit notices).
    from shared_apps.billing.models import StripeEvent

    with capture(execute=True):
        process_stripe_event.apply(args=[StripeEvent.objects.get(event_id=evt["id"]).pk])


@pytest.fixture
def territoire(
    grigny, fake_stripe, api_for, public_host, operator_token, client_for, make_user,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """subscribe(period_end): Grigny on Territoire through Checkout, mentors switched on."""
    make_user(grigny, "admin@grigny.test", Role.ADMIN)

    def subscribe(period_end: int):
        return _subscribe(grigny, api_for(public_host, operator_token), client_for, public_host,
                          django_capture_on_commit_callbacks, period_end)  # fmt: skip

    return subscribe


@pytest.fixture
def subscribed_territoire(territoire):
    """Grigny on Territoire, a period ending in 10 days."""
    return territoire(int(time.time()) + 10 * DAY)


def _subscribe(grigny, api, client_for, public_host, capture, period_end: int):
    response = api.post(
        "/api/v1/cities/grigny/billing/checkout/", {"plan": "territoire"}, format="json"
    )
    assert response.status_code == 201
    sub = Subscription.objects.get(city=grigny)
    customer, now = sub.stripe_customer_id, int(time.time())
    for evt in [
        event("evt_co", "checkout.session.completed",
              checkout_session("cs_1", customer, "sub_g", "grigny"), now - DAY),
        event("evt_created", "customer.subscription.created",
              subscription("sub_g", customer, "active", city="grigny",
                           price="price_tremplin_territoire", period_end=period_end), now - DAY),
    ]:  # fmt: skip
        _deliver(client_for, public_host, evt, capture)
    feature_enable(city=grigny, key="mentors", enabled=True, by="admin@grigny.test")
    assert feature_enabled(grigny, "mentors") is True
    mail.outbox.clear()
    return customer, datetime.fromtimestamp(period_end, tz=UTC)


def _downgrade(client_for, public_host, customer, period_end, capture, *, price, event_id):
    evt = event(event_id, "customer.subscription.updated",
                subscription("sub_g", customer, "active", city="grigny", price=price,
                             period_end=int(period_end.timestamp())), int(time.time()))  # fmt: skip
    _deliver(client_for, public_host, evt, capture)


def test_a_downgrade_withdraws_features_at_the_period_end_and_tells_the_admins(
    grigny, gennevilliers, subscribed_territoire, client_for, public_host,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    customer, period_end = subscribed_territoire
    _downgrade(client_for, public_host, customer, period_end, django_capture_on_commit_callbacks,
               price="price_tremplin_essentiel", event_id="evt_down")  # fmt: skip
    sub = Subscription.objects.get(city=grigny)
    assert sub.plan == "essentiel" and sub.features_downgrade_at == period_end
    assert feature_enabled(grigny, "mentors") is True  # paid until the period's end
    plan = city_plan_features(city=grigny)
    assert plan.withdrawing == TERRITOIRE - ESSENTIEL and plan.withdrawn_at == period_end
    # Each admin of the city (the first one and the one added here), one e-mail each.
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@grigny.test", "staff@grigny.test"]
    announce = mail.outbox[0]
    day = f"{period_end.astimezone(tz=None).date():%d/%m/%Y}"
    assert f"retirées le {day}" in announce.subject and "Mentors" in announce.body
    with in_city(grigny):
        assert InboxMessage.objects.filter(title=announce.subject.split(" : ", 1)[1]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.plan_downgrades_apply(now=period_end - timedelta(minutes=1)) == []
    assert feature_enabled(grigny, "mentors") is True
    with django_capture_on_commit_callbacks(execute=True):
        assert services.plan_downgrades_apply(now=period_end + timedelta(minutes=1)) == ["grigny"]
        assert services.plan_downgrades_apply(now=period_end + timedelta(hours=2)) == []
    assert feature_enabled(grigny, "mentors") is False
    assert allowed(grigny) == ESSENTIEL
    assert Subscription.objects.get(city=grigny).features_downgrade_at is None
    done = mail.outbox[2:]
    assert len(done) == 2
    assert "désactivées" in done[0].subject and "Mentors" in done[0].body
    with in_city(grigny):
        assert InboxMessage.objects.filter(title__contains="désactivées").count() == 2
    with in_city(gennevilliers):
        assert not InboxMessage.objects.filter(title__contains="Formule").exists()


def test_a_downgrade_stripe_applies_at_the_renewal_takes_effect_at_once(
    grigny, territoire, client_for, public_host, django_capture_on_commit_callbacks
):
    ended = int(time.time()) - DAY  # the period paid under Territoire is over
    customer, _ = territoire(ended)
    renewed = datetime.fromtimestamp(ended + 30 * DAY, tz=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        _downgrade(client_for, public_host, customer, renewed, django_capture_on_commit_callbacks,
                   price="price_tremplin_essentiel", event_id="evt_renewed")  # fmt: skip
    assert Subscription.objects.get(city=grigny).features_downgrade_at is None
    assert feature_enabled(grigny, "mentors") is False
    assert allowed(grigny) == ESSENTIEL
    assert any("désactivées" in m.subject for m in mail.outbox)


def test_upgrading_again_before_the_period_end_cancels_the_withdrawal(
    grigny, subscribed_territoire, client_for, public_host, django_capture_on_commit_callbacks
):
    customer, period_end = subscribed_territoire
    capture = django_capture_on_commit_callbacks
    _downgrade(client_for, public_host, customer, period_end, capture,
               price="price_tremplin_essentiel", event_id="evt_down")  # fmt: skip
    _downgrade(client_for, public_host, customer, period_end, capture,
               price="price_tremplin_territoire", event_id="evt_up")  # fmt: skip
    assert Subscription.objects.get(city=grigny).features_downgrade_at is None
    assert services.plan_downgrades_apply(now=period_end + timedelta(days=1)) == []
    assert feature_enabled(grigny, "mentors") is True
    assert allowed(grigny) == TERRITOIRE


def test_an_operator_override_survives_the_downgrade(
    grigny, subscribed_territoire, client_for, public_host, django_capture_on_commit_callbacks
):
    customer, period_end = subscribed_territoire
    feature_allow(city=grigny, key="mentors", allowed=False, by="ops")
    feature_allow(city=grigny, key="mentors", allowed=True, by="ops")  # kept whatever the plan
    _downgrade(client_for, public_host, customer, period_end, django_capture_on_commit_callbacks,
               price="price_tremplin_essentiel", event_id="evt_down")  # fmt: skip
    services.plan_downgrades_apply(now=period_end + timedelta(minutes=1))
    assert feature_enabled(grigny, "mentors") is True
    assert allowed(grigny) == ESSENTIEL | {"mentors"}


def test_a_plan_listing_an_unknown_feature_fails_the_system_check(settings):
    from shared_apps.billing.checks import check_plan_features

    assert check_plan_features() == []
    settings.TREMPLIN_PLANS = {
        **settings.TREMPLIN_PLANS,
        "luxe": {"price": "price_luxe", "label": "Luxe", "features": ["teleportation"]},
    }
    [error] = check_plan_features()
    assert error.id == "billing.E001" and "teleportation" in error.msg
