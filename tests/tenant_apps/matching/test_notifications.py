"""Notifications: inbox on publish, weekly digest, weekly cap, flag, isolation."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.core import mail

from shared_apps.accounts.models import Role
from tenant_apps.matching import notifications
from tenant_apps.matching.models import InboxMessage, NotificationSettings
from tenant_apps.matching.services import notification_settings_for
from tenant_apps.youth.models import YouthProfile
from tenants.context import in_city
from tenants.features import feature_allow, feature_enable


def switch_on(city) -> None:
    feature_allow(city=city, key="notifications", allowed=True, by="test")
    feature_enable(city=city, key="notifications", enabled=True, by="test")


def young(make_user, city, email: str, **profile):
    user = make_user(city, email, Role.YOUTH)
    with in_city(city):
        YouthProfile.objects.create(user=user, birth_date=date(2006, 3, 1), **profile)
    return user


def test_publish_reaches_those_it_fits_only(grigny, make_user, publish):
    switch_on(grigny)
    sporty = young(make_user, grigny, "sporty@grigny.test", interests=["sport"])
    young(make_user, grigny, "other@grigny.test", interests=["culture"])
    offer = publish(grigny, kind="emploi", title="Tournoi de basket", themes=["sport"])
    with in_city(grigny):
        assert notifications.notify_offer_published(city=grigny, offer_id=offer.pk) == 1
        message = InboxMessage.objects.get()
        assert message.user == sporty and message.title == "Tournoi de basket"
        assert "sport" in message.body
        # Running it again (a retried task) announces nothing twice.
        assert notifications.notify_offer_published(city=grigny, offer_id=offer.pk) == 0


def test_nothing_is_sent_when_the_city_has_not_switched_notifications_on(
    grigny, make_user, publish
):
    young(make_user, grigny, "sporty@grigny.test", interests=["sport"])
    offer = publish(grigny, kind="emploi", title="Tournoi", themes=["sport"])
    with in_city(grigny):
        assert notifications.notify_offer_published(city=grigny, offer_id=offer.pk) == 0


def test_weekly_cap(grigny, make_user, publish, settings):
    settings.TREMPLIN_NOTIFICATIONS_PER_WEEK = 2
    switch_on(grigny)
    young(make_user, grigny, "sporty@grigny.test", interests=["sport"])
    offers = [
        publish(grigny, kind="emploi", title=f"Match {i}", themes=["sport"]) for i in range(4)
    ]
    with in_city(grigny):
        for offer in offers:
            notifications.notify_offer_published(city=grigny, offer_id=offer.pk)
        assert InboxMessage.objects.count() == 2


def test_another_citys_young_people_are_never_told(grigny, gennevilliers, make_user, publish):
    switch_on(grigny)
    switch_on(gennevilliers)
    young(make_user, gennevilliers, "far@gennevilliers.test", interests=["sport"])
    offer = publish(grigny, kind="emploi", title="Tournoi", themes=["sport"])
    with in_city(gennevilliers):
        assert notifications.notify_offer_published(city=gennevilliers, offer_id=offer.pk) == 0
        assert not InboxMessage.objects.exists()


def test_publishing_schedules_the_announcement(grigny, publish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        publish(grigny, title="Aide")
    assert any("_announce_later" in cb.__qualname__ for cb in callbacks)


def test_weekly_digest_with_one_click_unsubscribe(grigny, make_user, publish):
    switch_on(grigny)
    lina = young(make_user, grigny, "lina@grigny.test", interests=["sport"])
    young(make_user, grigny, "quiet@grigny.test", interests=["sport"])  # did not opt in
    publish(grigny, kind="emploi", title="Tournoi de basket", themes=["sport"])
    with in_city(grigny):
        row = notification_settings_for(user=lina)
        row.weekly_digest = True
        row.save()
        assert notifications.send_weekly_digests(city=grigny) == 1
        assert notifications.send_weekly_digests(city=grigny) == 0  # once a week
    (email,) = mail.outbox
    assert email.to == ["lina@grigny.test"] and "Tournoi de basket" in email.body
    assert f"/desabonnement/{row.unsubscribe_token}/" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.worker
def test_publish_then_a_real_worker_fills_the_inbox(committed, celery_worker):
    from shared_apps.accounts.services import user_create, user_delete
    from tenant_apps.catalogue.models import Offer
    from tenant_apps.catalogue.services import offer_create, offer_publish
    from tenants.models import City

    grigny = City.objects.get(slug="grigny")
    switch_on(grigny)
    with in_city(grigny):
        editor = user_create(email="ed-worker@grigny.test", role=Role.EDITOR, password="x" * 12)
        lina = user_create(email="lina-worker@grigny.test", role=Role.YOUTH, password="x" * 12)
        YouthProfile.objects.create(user=lina, interests=["sport"])
    try:
        with in_city(grigny):
            offer = offer_create(by=editor, fields={"kind": "emploi", "title": "Tournoi worker",
                                                    "themes": ["sport"]})  # fmt: skip
            offer_publish(offer=offer, by=editor)  # autocommit: on_commit fires now
        deadline = time.monotonic() + 30
        with in_city(grigny):
            while not InboxMessage.objects.filter(user=lina).exists():
                assert time.monotonic() < deadline, "the worker never announced the offer"
                time.sleep(0.2)
            assert InboxMessage.objects.get(user=lina).offer_id == offer.pk
    finally:
        with in_city(grigny):
            Offer.objects.filter(title="Tournoi worker").delete()
            NotificationSettings.objects.filter(user__in=[lina, editor]).delete()
            for user in (lina, editor):
                user_delete(user=user)
        feature_enable(city=grigny, key="notifications", enabled=False, by="test")
        feature_allow(city=grigny, key="notifications", allowed=False, by="test")
