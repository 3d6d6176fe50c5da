"""Writes for accounts: users, invitations, API tokens. They act on the current schema."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from kernel.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    from_django_validation_error,
)

from . import limits, two_factor
from .models import ApiToken, Invitation, Role, User, digest


def _normalize_email(email: str) -> str:
    return (email or "").strip().lower()


@transaction.atomic
def user_create(
    *,
    email: str,
    role: str,
    password: str | None = None,
    display_name: str = "",
    validate_password_strength: bool = True,
) -> User:
    """Create a user in the current schema; without a password the account waits for one."""
    email = _normalize_email(email)
    if User.objects.filter(email=email).exists():
        raise _email_taken()
    user = User(email=email, role=role, display_name=display_name)
    try:
        user.full_clean(exclude=["password"], validate_unique=False)  # the insert decides
        if password is not None and validate_password_strength:
            validate_password(password, user)
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            user.save()
    except IntegrityError as exc:
        # The same address signed up at the same moment (the check above saw neither).
        if User.objects.filter(email=email).exists():
            raise _email_taken() from exc
        raise
    return user


class EmailTaken(Conflict):
    """The address already has an account in this schema."""


def _email_taken() -> Conflict:
    return EmailTaken(
        "Un compte existe déjà avec cette adresse.", fields={"email": ["Déjà utilisée."]}
    )


@transaction.atomic
def operator_create_or_update(
    *, email: str, password: str, validate_password_strength: bool = True
) -> tuple[User, bool]:
    """Create a platform operator (public schema), or reset the password of an existing one."""
    user = User.objects.filter(email=_normalize_email(email)).first()
    if user is None:
        user = user_create(
            email=email,
            role=Role.OPERATOR,
            password=password,
            validate_password_strength=validate_password_strength,
        )
        return user, True
    if user.role != Role.OPERATOR:
        raise Conflict("Ce compte existe déjà et n'est pas un compte opérateur.")
    try:
        if validate_password_strength:
            validate_password(password, user)
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    return user, False


@transaction.atomic
def invitation_create(*, user: User, days: int | None = None) -> tuple[Invitation, str]:
    """Issue a one-time secret for `user` (revoking older ones); returns it in clear once."""
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        secret_digest=digest(secret),
        expires_at=now + timedelta(days=days or settings.TREMPLIN_INVITATION_DAYS),
    )
    return invitation, secret


def invitation_get_usable(*, secret: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("user").filter(secret_digest=digest(secret)).first()
    )
    if invitation is None or not invitation.is_usable:
        raise NotFound(
            "Ce lien d'invitation n'est plus valable. Demande une nouvelle invitation.",
            code="invitation_invalid",
        )
    return invitation


@transaction.atomic
def invitation_accept(*, secret: str, password: str) -> User:
    """Set the invited user's password and burn the invitation."""
    invitation = invitation_get_usable(secret=secret)
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"password": exc.messages}) from exc
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


def invitation_email_send(*, email: str, link: str, city_name: str, intro: str = "") -> None:
    """Send the invitation link; called after the transaction that created it commits.

    intro: the opening sentence (default: the city's space was opened, for its first admin)."""
    intro = intro or f"Un espace Tremplin a été ouvert pour {city_name}."
    send_mail(
        subject=f"Ton accès à Tremplin {city_name}",
        message=(
            f"Bonjour,\n\n{intro} "
            f"Choisis ton mot de passe avec ce lien (valable "
            f"{settings.TREMPLIN_INVITATION_DAYS} jours, utilisable une seule fois) :\n\n"
            f"{link}\n\nL'équipe Tremplin"
        ),
        from_email=None,
        recipient_list=[email],
    )


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Close an account at once: no more sign-in, every session and API token worthless now.

    Its password is cleared: Django checks each session against a hash of the password, so
    every open session ends on its next request, and a later reactivation goes through a new
    invitation. Tokens and pending invitations are deleted and revoked."""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    ApiToken.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user, used_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    _sessions_of(user).delete()
    return user


def _sessions_of(user: User):
    """The stored sessions signed in as `user` (this schema's session table)."""
    from django.contrib.sessions.models import Session

    ids = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    return Session.objects.filter(pk__in=ids)


def token_issue(*, request: HttpRequest, email: str, password: str, otp: str = "") -> str:
    """Check credentials in the current schema, and the second factor of an account that has
    one, and return a new bearer token in clear.

    request: the HTTP request (not DRF's), for the lockout and the limits per client.
    """
    email = _normalize_email(email)
    limits.limit_hit(request, limits.SIGN_IN_CLIENT)
    limits.limit_check(request, limits.SIGN_IN_ACCOUNT_FAILURES, account=email)
    user = authenticate(request, username=email, password=password or "")
    if user is None or not user.is_active:
        raise ValidationFailed("E-mail ou mot de passe incorrect.", code="invalid_credentials")
    if two_factor.two_factor_needed(user):
        _second_factor_check(request, user=user, otp=otp)
    return token_create(user=user)


def _second_factor_check(request: HttpRequest, *, user: User, otp: str) -> None:
    if not two_factor.two_factor_enabled(user):
        raise PermissionDenied(
            "Active d'abord la double authentification : connecte-toi sur le site, qui te "
            "guide, puis demande un jeton avec le code de ton application.",
            code="two_factor_setup_required",
        )
    if not (otp or "").strip():
        message = "Saisis le code à 6 chiffres de ton application d'authentification."
        raise ValidationFailed(message, code="otp_required", fields={"otp": [message]})
    limits.limit_hit(request, limits.TWO_FACTOR_CLIENT)
    limits.limit_hit(request, limits.TWO_FACTOR_ACCOUNT, account=user.email)
    if two_factor.two_factor_verify(user=user, code=otp) is None:
        message = two_factor.WRONG_CODE
        raise ValidationFailed(message, code="wrong_code", fields={"otp": [message]})


def token_create(*, user: User) -> str:
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_digest=digest(raw), prefix=raw[:8])
    return raw


def _app_labels_in_this_schema() -> set[str]:
    from django.apps import apps
    from django.conf import settings
    from django.db import connection

    names = settings.SHARED_APPS if connection.schema_name == "public" else settings.TENANT_APPS
    return {config.label for config in apps.get_app_configs() if config.name in names}


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a user and what references it, among the tables of the current schema only.

    The user model lives in public and in every city schema, but some models that point at it
    exist only in city schemas (bookings, profiles…): Django's cascade would query their missing
    tables when deleting an operator in public. So cascade by hand over this schema's apps.
    """
    from django.db.models import SET_NULL

    here = _app_labels_in_this_schema()
    for relation in User._meta.related_objects:
        related = relation.related_model
        if related._meta.app_label in here and relation.on_delete is not None:
            rows = related._base_manager.filter(**{relation.field.name: user})
            if relation.on_delete is SET_NULL:  # what the user wrote stays, unsigned
                rows.update(**{relation.field.name: None})
            else:
                rows.delete()
    User.objects.filter(pk=user.pk)._raw_delete(User.objects.db)
