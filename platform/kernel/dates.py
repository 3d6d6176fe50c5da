"""Dates as a French reader writes them: "1er octobre 2026", "samedi 6 décembre, 14h30".

Every date a city or a young person reads goes through here (templates: the `french_date` and
`french_datetime` filters of `{% load french %}`), never `isoformat()`.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import dateformat, timezone, translation

# Django writes the first of a month "1"; French writes "1er" (but "le 2", "le 31").
_FIRST = re.compile(
    r"\b1 (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b"
)


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


def french_date(value: date | datetime | str | None) -> str:
    """'1er octobre 2026', '6 décembre 2026'; '' for nothing or not a date."""
    day = as_date(value)
    if day is None:
        return ""
    return french_format(day, "j F Y")


def french_format(value: date | datetime, fmt: str) -> str:
    """Django's date format `fmt` in French, with "1er" for the first of a month; an aware
    datetime is read in the service's time zone."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override("fr"):
        text = dateformat.format(value, fmt)
    return _FIRST.sub(r"1er \1", text)
