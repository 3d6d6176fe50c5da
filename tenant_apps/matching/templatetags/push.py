"""{% push_public_key %}: the VAPID public key browsers subscribe with ("" when push is off)."""

from __future__ import annotations

from django import template

from ..push import push_available, vapid_public_key

register = template.Library()


@register.simple_tag
def push_public_key() -> str:
    return vapid_public_key() if push_available() else ""
