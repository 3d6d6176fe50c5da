"""The service's local date and time (settings.TIME_ZONE), never the machine's, and ages.

`date.today()` and `datetime.now()` read the process's clock zone; these read Django's, so a
day starts at midnight in France wherever the code runs.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def local_today() -> date:
    """Today in the service's time zone."""
    return timezone.localdate()


def local_now() -> datetime:
    """Now, aware, in the service's time zone."""
    return timezone.localtime()


def age_on(birth_date: date, today: date) -> int:
    """Age in whole years on `today` (a birthday counts from its day)."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday
