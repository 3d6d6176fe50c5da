"""The weekly digests' beat task: a city that fails is reported, the others get theirs."""

from __future__ import annotations

from django.core import mail

from tenant_apps.matching.models import NotificationSettings
from tenant_apps.matching.services import notification_settings_for
from tenant_apps.matching.tasks import send_weekly_digests_everywhere
from tenants.context import in_city
from tests.tenants.crosscity import break_table, city_tags, sentry_events

from .test_notifications import switch_on, young


def test_a_failing_city_does_not_stop_the_digests_of_the_others(
    grigny, gennevilliers, make_user, publish
):
    for city in (gennevilliers, grigny):
        switch_on(city)
        lina = young(make_user, city, f"lina@{city.slug}.test", interests=["sport"])
        publish(city, kind="emploi", title="Tournoi de basket", themes=["sport"])
        with in_city(city):
            row = notification_settings_for(user=lina)
            row.weekly_digest = True
            row.save()
    break_table(gennevilliers, NotificationSettings._meta.db_table)  # comes first: slug order
    mail.outbox.clear()
    with sentry_events() as events:
        assert send_weekly_digests_everywhere() == 1
    assert [m.to for m in mail.outbox] == [["lina@grigny.test"]]
    assert city_tags(events) == ["gennevilliers"]
