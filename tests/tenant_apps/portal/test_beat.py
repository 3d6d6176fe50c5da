"""The reminders' beat task: a city that fails is reported, the others are still reminded."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from tenant_apps.portal import services
from tenant_apps.portal.models import Registration
from tenant_apps.portal.tasks import send_event_reminders_everywhere
from tenants.context import in_city
from tests.tenants.crosscity import break_table, city_tags, sentry_events

from ..catalogue.factories import make_offer
from ..youth.factories import make_youth


def test_a_failing_city_does_not_stop_the_reminders_of_the_others(grigny, gennevilliers, youths):
    tomorrow = timezone.now() + timedelta(days=1)
    with in_city(gennevilliers):
        other = make_youth("lea@gennevilliers.test")
        services.registration_create(
            user=other, offer_id=make_offer(kind="evenement", starts_at=tomorrow).pk
        )
    with in_city(grigny):
        services.registration_create(
            user=youths[0][0], offer_id=make_offer(kind="evenement", starts_at=tomorrow).pk
        )
    break_table(gennevilliers, Registration._meta.db_table)  # comes first: slug order
    mail.outbox.clear()
    with sentry_events() as events:
        assert send_event_reminders_everywhere() == 1
    assert [m.to for m in mail.outbox] == [["jeune0@grigny.test"]]
    assert city_tags(events) == ["gennevilliers"]
