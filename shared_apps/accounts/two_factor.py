"""Two-factor authentication (django-otp): an authenticator app (TOTP) and single-use recovery
codes, in the schema of the host the account lives on, like the account itself.

Operators must have it (TREMPLIN_OPERATOR_2FA): they can suspend or drop a city. City admins
may turn it on, and off again for themselves. Anyone who has it gives a code after the password,
on the sign-in page and for an API token.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import connection, transaction
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from kernel.errors import PermissionDenied, ValidationFailed

from .models import Role, User

TOTP_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"
WRONG_CODE = "Ce code n'est pas le bon (ou il a déjà servi). Réessaie avec le code affiché."


def two_factor_required(user: User) -> bool:
    """Whether this account may not sign in without a second factor, even before having one."""
    return user.role == Role.OPERATOR and settings.TREMPLIN_OPERATOR_2FA


def two_factor_offered(user: User) -> bool:
    """Whether this account may turn the second factor on (operators and city admins)."""
    return user.role in (Role.OPERATOR, Role.ADMIN)


def two_factor_enabled(user: User) -> bool:
    """Whether the account has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_needed(user: User) -> bool:
    """Whether signing in asks for a second factor (or, without one yet, to set it up)."""
    return two_factor_required(user) or two_factor_enabled(user)


def two_factor_verify(*, user: User, code: str):
    """The device that accepts `code` (a 6-digit code or a recovery code, which then stops
    working), or None. Each device counts its failures and makes the next try wait longer
    (django-otp's throttling); the caller also rate-limits (limits.TWO_FACTOR_*)."""
    code = "".join(str(code or "").split()).lower()
    if not code or len(code) > 16:
        return None
    return match_token(user, code)


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    secret: str  # base32, grouped by 4, for typing into an app by hand
    qr_svg: str  # the otpauth:// link as an inline SVG QR code (no JavaScript, no image file)


def _issuer() -> str:
    city = getattr(connection, "tenant", None)
    name = getattr(city, "name", "") if getattr(city, "schema_name", "public") != "public" else ""
    return f"{settings.OTP_TOTP_ISSUER} {name}".strip()


def _config_url(device: TOTPDevice) -> str:
    issuer = _issuer().replace(":", "")
    label = quote(f"{issuer}:{device.user.email}")
    secret = b32encode(device.bin_key).decode()
    params = urlencode(
        {"secret": secret, "digits": device.digits, "period": device.step, "issuer": issuer}
    )
    return f"otpauth://totp/{label}?{params}"


@transaction.atomic
def two_factor_enrolment_start(*, user: User) -> Enrolment:
    """The authenticator app being set up: a new secret, kept unconfirmed until a code made
    with it comes back (two_factor_enrolment_confirm); one pending secret per account."""
    if not two_factor_offered(user):
        raise PermissionDenied(
            "La double authentification est réservée aux opérateurs et aux administrateurs.",
            code="two_factor_not_offered",
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    secret = b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    qr = segno.make(_config_url(device), error="m")
    svg = qr.svg_inline(scale=5, border=4, light="#ffffff", dark="#000000", omitsize=False)
    return Enrolment(device=device, secret=grouped, qr_svg=svg)


@transaction.atomic
def two_factor_enrolment_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn the pending authenticator app on with a code it made; returns it and new recovery
    codes, shown once (only their value in the database lets them be checked)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    code = "".join(str(code or "").split())
    if device is None or not code.isdigit() or not device.verify_token(code):
        raise ValidationFailed(WRONG_CODE, code="wrong_code", fields={"code": [WRONG_CODE]})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device, _recovery_codes_replace(user=user)


def _recovery_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TREMPLIN_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not two_factor_enabled(user):
        raise ValidationFailed("La double authentification n'est pas activée.", code="not_enabled")
    return _recovery_codes_replace(user=user)


def two_factor_recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Turn the second factor off, for an account on which it is optional (city admins)."""
    if two_factor_required(user):
        raise PermissionDenied(
            "La double authentification est obligatoire pour les opérateurs.",
            code="two_factor_required",
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
