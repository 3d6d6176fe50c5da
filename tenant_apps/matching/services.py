"""Writes for advisors, slots, bookings and the inbox (current city schema)."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from tremplin.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
    full_clean_or_fail,
)

from shared_apps.accounts.models import User

from .models import Advisor, Booking, InboxMessage, NotificationSettings, Slot

ADVISOR_FIELDS = (
    "kind", "display_name", "organisation", "job_title", "bio", "video_url", "topics", "freins",
    "languages", "formats", "location", "is_active",
)  # fmt: skip


def _clean_and_save(instance) -> None:
    full_clean_or_fail(instance)
    instance.save()


@transaction.atomic
def advisor_create(**fields: object) -> Advisor:
    """Register an advisor or a mentor (staff action)."""
    unknown = set(fields) - set(ADVISOR_FIELDS)
    if unknown:
        raise ValidationFailed("Champs inconnus.", fields={name: ["Inconnu."] for name in unknown})
    advisor = Advisor(**fields)
    _clean_and_save(advisor)
    return advisor


@transaction.atomic
def slot_create(*, advisor: Advisor, starts_at: datetime, ends_at: datetime, format: str) -> Slot:  # noqa: A002
    if starts_at <= timezone.now():
        raise ValidationFailed(
            "Un créneau doit être dans le futur.", fields={"starts_at": ["Passé."]}
        )
    if format not in advisor.formats:
        raise ValidationFailed(
            "Ce format n'est pas proposé par cette personne.", fields={"format": ["Non proposé."]}
        )
    slot = Slot(advisor=advisor, starts_at=starts_at, ends_at=ends_at, format=format)
    try:
        _clean_and_save(slot)
    except ValidationFailed as exc:
        if "__all__" in str(exc.fields) or "non_field_errors" in exc.fields:
            raise ValidationFailed("Ce créneau existe déjà ou finit avant de commencer.") from exc
        raise
    return slot


@transaction.atomic
def booking_create(*, slot_id: int, user: User, message: str = "") -> Booking:
    """Book a free slot. Two people can never hold the same slot, even at the same instant."""
    from .selectors import advisor_list

    slot = Slot.objects.select_related("advisor").filter(pk=slot_id).first()
    if slot is None or not advisor_list().filter(pk=slot.advisor_id).exists():
        raise NotFound("Ce créneau n'existe pas.")
    if slot.starts_at <= timezone.now():
        raise ValidationFailed("Ce créneau est déjà passé.", code="slot_past")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(slot=slot, user=user, message=message[:1000])
    except IntegrityError as exc:
        raise Conflict(
            "Ce créneau vient d'être réservé par quelqu'un d'autre. Choisis-en un autre.",
            code="slot_taken",
        ) from exc
    inbox_add(
        user=user,
        title=f"Rendez-vous confirmé avec {slot.advisor.display_name}",
        body=f"Le {timezone.localtime(slot.starts_at):%d/%m à %Hh%M}.",
        link="/mes-rendez-vous/",
    )
    return booking


@transaction.atomic
def booking_cancel(*, booking_id: int, user: User) -> Booking:
    """Cancel my booking; the slot is free again at once."""
    booking = Booking.objects.select_for_update().filter(pk=booking_id, user=user).first()
    if booking is None:
        raise NotFound("Ce rendez-vous n'existe pas.")
    if booking.canceled_at is None:
        booking.canceled_at = timezone.now()
        booking.save(update_fields=["canceled_at"])
    return booking


def inbox_add(
    *,
    user: User,
    title: str,
    body: str = "",
    link: str = "",
    offer_id=None,
) -> InboxMessage | None:
    """Put a message in the user's inbox; an offer is announced to a person only once."""
    if offer_id is not None and InboxMessage.objects.filter(user=user, offer_id=offer_id).exists():
        return None
    return InboxMessage.objects.create(
        user=user, title=title[:160], body=body, link=link, offer_id=offer_id
    )


def notification_settings_for(*, user: User) -> NotificationSettings:
    settings_row, _created = NotificationSettings.objects.get_or_create(
        user=user, defaults={"unsubscribe_token": secrets.token_urlsafe(32)}
    )
    return settings_row


@transaction.atomic
def digest_unsubscribe(*, token: str) -> NotificationSettings:
    """One-click unsubscribe from the weekly digest, from the link in the e-mail."""
    row = NotificationSettings.objects.filter(unsubscribe_token=token).first()
    if row is None:
        raise NotFound("Ce lien de désinscription n'est pas valable.")
    row.weekly_digest = False
    row.save(update_fields=["weekly_digest"])
    return row


def right_claim(*, user: User, offer_id) -> None:
    """Remember that this person asked for this aid (idempotent)."""
    from .models import RightClaim

    RightClaim.objects.get_or_create(user=user, offer_id=offer_id)


def right_unclaim(*, user: User, offer_id) -> None:
    from .models import RightClaim

    RightClaim.objects.filter(user=user, offer_id=offer_id).delete()
