"""French dates in templates: `{{ day|french_date }}` → "1er octobre 2026" (a date, a datetime
or an ISO string); `{{ when|french_datetime:"l j F, H\\hi" }}` → "jeudi 1er octobre, 14h30"."""

from __future__ import annotations

from datetime import date

from django import template
from kernel.dates import french_date as _french_date
from kernel.dates import french_format

register = template.Library()


@register.filter
def french_date(value) -> str:
    return _french_date(value)


@register.filter
def french_datetime(value, fmt: str = "l j F Y, H\\hi") -> str:
    if not isinstance(value, date):
        return ""
    return french_format(value, fmt)
