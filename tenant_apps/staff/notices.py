"""The channel tenants.notices uses to tell a city's admins something: a message in each active
admin's staff inbox (/staff/messages/) and an e-mail to each (to the first admin's address
when the city has no active admin yet). Runs in the city's schema, after the commit."""

from __future__ import annotations

from django.core.mail import send_mail

from shared_apps.accounts.models import Role, User
from tenant_apps.matching.models import InboxMessage
from tenants import notices
from tenants.models import City, build_url


def admins_tell(city: City, title: str, body: str, path: str) -> None:
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"))
    for admin in admins:
        InboxMessage.objects.create(user=admin, title=title[:160], body=body, link=path)
    link = f"\n\n{build_url(city.primary_host, path)}" if path else ""
    for email in [admin.email for admin in admins] or [city.admin_email]:
        send_mail(
            subject=f"Tremplin {city.name} : {title}",
            message=f"Bonjour,\n\n{body}{link}\n\nL'équipe Tremplin",
            from_email=None,
            recipient_list=[email],
        )


def register() -> None:
    notices.admin_channel_register(admins_tell)
