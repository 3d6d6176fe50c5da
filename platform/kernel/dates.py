"""Dates as a French reader writes them: "1er octobre 2026", "6 décembre 2026".

Every date a city or a young person reads goes through `french_date` (templates: the
`french_date` filter of `{% load french %}`), never `isoformat()`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import dateformat, timezone, translation


def as_date(value: date | datetime | str | None) -> date | None:
    """A date from a date, an aware datetime (read in the service's zone) or an ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def french_date(value: date | datetime | str | None, *, year: bool = True) -> str:
    """'1er octobre 2026' (the first of a month is "1er"); '' for nothing or not a date."""
    day = as_date(value)
    if day is None:
        return ""
    with translation.override("fr"):
        text = dateformat.format(day, "F Y" if year else "F")
    return f"{'1er' if day.day == 1 else day.day} {text}"
