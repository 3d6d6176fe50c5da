"""The demo's « Adopte un pro »: an upcoming edition with pros and choices to make, and a
past one where a pro asked to meet the demo young person again. Idempotent, no e-mail."""

from __future__ import annotations

import pytest
from django.core import mail
from tremplin.demo import _seed_city, _seed_meetups

from tenant_apps.meetups.models import Choice, FollowUp, Pro, Rendezvous, SpeedMeeting
from tenants.context import in_city
from tenants.crosscity import run_in_city


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_holds_two_editions(grigny, gennevilliers, django_capture_on_commit_callbacks):
    run_in_city(grigny, _seed_city)
    with django_capture_on_commit_callbacks(execute=True):
        run_in_city(grigny, _seed_meetups)
        run_in_city(grigny, _seed_meetups)  # a restart: nothing twice
    assert mail.outbox == []
    with in_city(grigny):
        upcoming, past = SpeedMeeting.objects.order_by("-offer__starts_at")
        assert Pro.objects.filter(meeting=upcoming).count() == 4
        assert (
            upcoming.choices_open
            and not Choice.objects.filter(
                meeting=upcoming, user__email="jeune@grigny.demo"
            ).exists()
        )  # Sam chooses in the demo
        assert past.schedule_sent_at and past.referent is not None
        mine = Rendezvous.objects.filter(meeting=past, user__email="jeune@grigny.demo")
        assert mine.count() == 2
        assert FollowUp.objects.filter(rendezvous__in=mine, side="pro").count() == 1
    with in_city(gennevilliers):
        assert not SpeedMeeting.objects.exists()
