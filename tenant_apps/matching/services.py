"""Writes for advisors, slots, bookings and the inbox (current city schema)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from kernel.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
    full_clean_or_fail,
)

from shared_apps.accounts.models import User
from tenant_apps.audit.services import audit_record, diff_snapshots, model_snapshot
from tenant_apps.catalogue.permissions import can_publish, require
from tenant_apps.youth.choices import Frein

from .models import Advisor, Booking, InboxMessage, MeetingFormat, NotificationSettings, Slot

ADVISOR_FIELDS = (
    "kind", "display_name", "organisation", "job_title", "bio", "video_url", "topics", "freins",
    "languages", "formats", "location", "is_active",
)  # fmt: skip


def _clean_and_save(instance) -> None:
    full_clean_or_fail(instance)
    instance.save()


def _check_codes(advisor: Advisor) -> None:
    """Formats and freins are closed lists: an unknown code is an input error, not data."""
    fields = {}
    if set(advisor.formats) - set(MeetingFormat.values):
        fields["formats"] = ["Format inconnu."]
    if set(advisor.freins) - set(Frein.values):
        fields["freins"] = ["Frein inconnu."]
    if fields:
        raise ValidationFailed("Certains choix ne sont pas reconnus.", fields=fields)


def _check_fields(fields: dict[str, object]) -> None:
    unknown = set(fields) - set(ADVISOR_FIELDS)
    if unknown:
        raise ValidationFailed("Champs inconnus.", fields={name: ["Inconnu."] for name in unknown})


def _require_manager(by) -> None:
    """Staff actions: admin and editor only. `by=None` is the system (demo data, scripts)."""
    if by is not None:
        require(can_publish(by), "Seuls les administrateurs et éditeurs gèrent l'accompagnement.")


@transaction.atomic
def advisor_create(*, by=None, **fields: object) -> Advisor:
    """Register an advisor or a mentor (staff action)."""
    _require_manager(by)
    _check_fields(fields)
    advisor = Advisor(**fields)
    _check_codes(advisor)
    _clean_and_save(advisor)
    audit_record(actor=by, action="advisor.create", obj=advisor, diff=model_snapshot(advisor))
    return advisor


@transaction.atomic
def advisor_update(*, advisor: Advisor, by, fields: dict[str, object]) -> Advisor:
    """Edit an advisor or a mentor; the audit row holds the changed fields only."""
    _require_manager(by)
    _check_fields(fields)
    before = model_snapshot(advisor)
    for name, value in fields.items():
        setattr(advisor, name, value)
    _check_codes(advisor)
    _clean_and_save(advisor)
    diff = diff_snapshots(before, model_snapshot(advisor))
    if diff:
        audit_record(actor=by, action="advisor.update", obj=advisor, diff=diff)
    return advisor


@transaction.atomic
def advisor_set_active(*, advisor: Advisor, by, is_active: bool) -> Advisor:
    """Hide an advisor from young people (their slots stay, bookings are kept) or show again."""
    _require_manager(by)
    if advisor.is_active != is_active:
        advisor.is_active = is_active
        advisor.save(update_fields=["is_active"])
        action = "advisor.activate" if is_active else "advisor.deactivate"
        diff = {"is_active": [not is_active, is_active]}
        audit_record(actor=by, action=action, obj=advisor, diff=diff)
    return advisor


@transaction.atomic
def slot_create(
    *,
    advisor: Advisor,
    starts_at: datetime,
    ends_at: datetime,
    format: str,  # noqa: A002
    by=None,
) -> Slot:
    _require_manager(by)
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
    if by is not None:
        audit_record(actor=by, action="slot.create", obj=slot, diff=_slot_snapshot(slot))
    return slot


def _slot_snapshot(slot: Slot) -> dict[str, object]:
    return {
        "advisor_id": slot.advisor_id,
        "starts_at": timezone.localtime(slot.starts_at).isoformat(),
        "ends_at": timezone.localtime(slot.ends_at).isoformat(),
        "format": slot.format,
    }


@transaction.atomic
def slot_create_weekly(
    *,
    advisor: Advisor,
    starts_at: datetime,
    ends_at: datetime,
    format: str,  # noqa: A002
    weeks: int,
    by,
) -> tuple[list[Slot], int]:
    """The same slot every week for `weeks` weeks (1 = just this one); existing ones are skipped.

    Returns (created slots, how many were skipped because they already existed)."""
    if not 1 <= weeks <= 52:
        raise ValidationFailed(
            "Tu peux répéter un créneau sur 1 à 52 semaines.", fields={"weeks": ["Entre 1 et 52."]}
        )
    created, skipped = [], 0
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    for week in range(weeks):
        # Add weeks to the local wall-clock time so 14:00 stays 14:00 across a DST change.
        start = _shift_weeks(local_start, week)
        end = _shift_weeks(local_end, week)
        if Slot.objects.filter(advisor=advisor, starts_at=start).exists():
            skipped += 1
            continue
        created.append(
            slot_create(advisor=advisor, starts_at=start, ends_at=end, format=format, by=by)
        )
    return created, skipped


def _shift_weeks(moment: datetime, weeks: int) -> datetime:
    naive = timezone.make_naive(moment) + timedelta(weeks=weeks)
    return timezone.make_aware(naive)


@transaction.atomic
def slot_delete(*, slot: Slot, by) -> None:
    """Remove a free slot. A booked slot is refused: cancel the booking first."""
    _require_manager(by)
    slot = Slot.objects.select_for_update().select_related("advisor").get(pk=slot.pk)
    if slot.bookings.filter(canceled_at__isnull=True).exists():
        raise Conflict(
            "Ce créneau est réservé par un·e jeune : annule d'abord le rendez-vous "
            "(il ou elle sera prévenu·e), puis supprime le créneau.",
            code="slot_booked",
        )
    snapshot = _slot_snapshot(slot)
    label, slot_id = str(slot), str(slot.pk)
    slot.delete()
    audit_record(
        actor=by, action="slot.delete", object_type="slot", object_id=slot_id, label=label,
        diff=snapshot,
    )  # fmt: skip


@transaction.atomic
def booking_create(
    *, slot_id: int, user: User, message: str = "", about_offer_id: object = None
) -> Booking:
    """Book a free slot. Two people can never hold the same slot, even at the same instant.

    about_offer_id: the aid to get help with (« Je me fais aider »), local or national; it must
    be an aid visible in this city. Its title is kept as it reads today."""
    from .selectors import advisor_list, booking_aid

    slot = Slot.objects.select_related("advisor").filter(pk=slot_id).first()
    if slot is None or not advisor_list().filter(pk=slot.advisor_id).exists():
        raise NotFound("Ce créneau n'existe pas.")
    if slot.starts_at <= timezone.now():
        raise ValidationFailed("Ce créneau est déjà passé.", code="slot_past")
    about = None
    if about_offer_id is not None:
        about = booking_aid(offer_id=about_offer_id)
        if about is None:
            raise ValidationFailed(
                "Cette aide n'existe pas dans ta ville.",
                code="about_offer_unknown",
                fields={"about_offer": ["Aide inconnue ici."]},
            )
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                slot=slot,
                user=user,
                message=message[:1000],
                about_offer_id=about.offer.pk if about else None,
                about_offer_title=about.offer.title[:200] if about else "",
            )
    except IntegrityError as exc:
        raise Conflict(
            "Ce créneau vient d'être réservé par quelqu'un d'autre. Choisis-en un autre.",
            code="slot_taken",
        ) from exc
    body = f"Le {timezone.localtime(slot.starts_at):%d/%m à %Hh%M}."
    if about:
        body += f" À propos de : {booking.about_offer_title}."
    inbox_add(
        user=user,
        title=f"Rendez-vous confirmé avec {slot.advisor.display_name}",
        body=body,
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


@transaction.atomic
def booking_cancel_by_staff(*, booking: Booking, by, reason: str = "") -> Booking:
    """Staff cancel a young person's booking; the slot is free again and they get a message."""
    _require_manager(by)
    booking = (
        Booking.objects.select_for_update()
        .select_related("slot__advisor", "user")
        .get(pk=booking.pk)
    )
    if booking.canceled_at is not None:
        raise Conflict("Ce rendez-vous est déjà annulé.", code="booking_canceled")
    booking.canceled_at = timezone.now()
    booking.save(update_fields=["canceled_at"])
    slot = booking.slot
    when = timezone.localtime(slot.starts_at)
    body = f"Ton rendez-vous du {when:%d/%m à %Hh%M} a été annulé par l'équipe de la ville."
    reason = reason.strip()[:500]
    if reason:
        body += f" Motif : {reason}"
    body += " Tu peux choisir un autre créneau."
    inbox_add(
        user=booking.user,
        title=f"Rendez-vous annulé avec {slot.advisor.display_name}",
        body=body,
        link=f"/accompagnement/{slot.advisor_id}/",
    )
    audit_record(
        actor=by, action="booking.cancel", obj=booking, label=str(slot),
        diff={"canceled_at": [None, booking.canceled_at.isoformat()], "reason": reason},
    )  # fmt: skip
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
