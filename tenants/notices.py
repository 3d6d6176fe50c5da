"""Tell a city's admins something (a message in their staff inbox and an e-mail), from any layer.

The city apps fill the one channel at start-up (tenant_apps.staff: its inbox and an e-mail to
each active admin); until one is registered, the message goes by e-mail to the address the
city was onboarded with. Sent after the commit, so a rolled-back change tells nobody; a failure
to send is logged, never raised into the work that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.mail import send_mail
from django.db import transaction

from .context import in_city
from .models import City, build_url

logger = logging.getLogger(__name__)

# channel(city, title, body, path): runs in the city's schema; `path` is a page of the city.
AdminChannel = Callable[[City, str, str, str], None]
_channel: AdminChannel | None = None


def admin_channel_register(channel: AdminChannel) -> None:
    global _channel
    _channel = channel


def _email_first_admin(city: City, title: str, body: str, path: str) -> None:
    link = f"\n\n{build_url(city.primary_host, path)}" if path else ""
    send_mail(
        subject=f"Tremplin {city.name} : {title}",
        message=f"Bonjour,\n\n{body}{link}\n\nL'équipe Tremplin",
        from_email=None,
        recipient_list=[city.admin_email],
    )


def city_admins_notify(*, city: City, title: str, body: str, path: str = "") -> None:
    """Tell the city's admins, once the current transaction commits (French text)."""

    def send() -> None:
        try:
            if _channel is None:
                _email_first_admin(city, title, body, path)
            else:
                with in_city(city):
                    _channel(city, title, body, path)
        except Exception:  # the notice must never undo or break what it reports
            logger.exception("Could not notify the admins of %s: %s", city.slug, title)

    transaction.on_commit(send)
