"""The service's clock: the day turns at midnight in the service's time zone, not the machine's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from kernel.clock import age_on, local_now, local_today


def test_local_now_is_aware_and_in_the_services_zone():
    now = local_now()
    assert now.tzinfo is not None
    assert now.utcoffset() == datetime.now(ZoneInfo(settings.TIME_ZONE)).utcoffset()
    assert abs(now - timezone.now()) < timedelta(seconds=5)


def test_local_today_follows_the_time_zone_not_the_machine():
    # UTC+14: most of the time a different day than in UTC, and always the zone's own day.
    with timezone.override(ZoneInfo("Pacific/Kiritimati")):
        before = (datetime.now(UTC) + timedelta(hours=14)).date()
        today = local_today()
        after = (datetime.now(UTC) + timedelta(hours=14)).date()
        assert today in (before, after)
        assert local_now().date() in (before, after)


def test_age_on_turns_on_the_birthday_itself():
    born = date(2009, 3, 15)
    assert age_on(born, date(2024, 3, 14)) == 14
    assert age_on(born, date(2024, 3, 15)) == 15
    assert age_on(date(2008, 2, 29), date(2023, 2, 28)) == 14  # born on 29 February
    assert age_on(date(2008, 2, 29), date(2023, 3, 1)) == 15
