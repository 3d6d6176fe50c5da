"""What accounts adds to onboarding (tenants.hooks): the city's first admin, invited to choose
a password with a one-time link (the command and the console show it; it is also mailed); and
to city archives (tenants.portability): API tokens, invitations and second-factor secrets are
never exported."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants import hooks, portability
from tenants.models import build_url

from .models import ApiToken, Invitation, Role, User
from .services import invitation_create, invitation_email_send, user_create


def first_admin_seed(seeding: hooks.CitySeed) -> None:
    """In the city's schema: make sure the first admin exists; invite them if no password yet."""
    city = seeding.city
    admin = User.objects.filter(email=city.admin_email).first()
    if admin is None:
        admin = user_create(email=city.admin_email, role=Role.ADMIN)
    if admin.has_usable_password():
        return
    _invitation, secret = invitation_create(user=admin)
    link = build_url(city.primary_host, f"/invitation/{secret}/")
    transaction.on_commit(
        lambda: invitation_email_send(email=city.admin_email, link=link, city_name=city.name)
    )
    seeding.invitation_link = link


def register() -> None:
    # Last: the invitation goes out once everything else in the city exists.
    hooks.seed.register("accounts.first_admin", first_admin_seed, order=90)
    portability.never_export(ApiToken._meta.db_table, Invitation._meta.db_table)
    # Second-factor secrets and recovery codes are ways in too: an imported city's staff
    # set their authenticator app up again.
    portability.never_export(
        TOTPDevice._meta.db_table, StaticDevice._meta.db_table, StaticToken._meta.db_table
    )
