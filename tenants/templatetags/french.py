"""`{{ value|french_date }}`: "1er octobre 2026" from a date, a datetime or an ISO string."""

from __future__ import annotations

from django import template
from kernel.dates import french_date as _french_date

register = template.Library()


@register.filter
def french_date(value) -> str:
    return _french_date(value)
