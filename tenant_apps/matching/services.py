"""Writes for advisors, slots, bookings and the inbox (current city schema)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from kernel.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    full_clean_or_fail,
)
from kernel.images import image_reencode

from shared_apps.accounts.models import User
from tenant_apps.audit.services import audit_record, diff_snapshots, model_snapshot
from tenant_apps.catalogue.permissions import can_publish, require
from tenant_apps.youth.choices import Frein

from .models import (
    SLOT_MAX_CAPACITY,
    Advisor,
    Booking,
    InboxMessage,
    MeetingFormat,
    NotificationSettings,
    Slot,
)
from .permissions import ADVISOR_ACCOUNT_ROLES, require_agenda_keeper

ADVISOR_FIELDS = (
    "kind", "display_name", "organisation", "job_title", "bio", "video_url", "video_text",
    "topics", "freins", "languages", "formats", "location", "is_active",
)  # fmt: skip
# What advisors write about themselves on « Mon agenda » (the city sets kind and organisation).
PRESENTATION_FIELDS = (
    "display_name", "job_title", "bio", "video_url", "video_text", "languages", "formats",
    "location",
)  # fmt: skip
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 800
VIDEO_MAX_BYTES = 30 * 1024 * 1024


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
def advisor_link_account(*, advisor: Advisor, user: User | None, by) -> Advisor:
    """Link the advisor record to the account they sign in with (None unlinks); staff action."""
    _require_manager(by)
    advisor = Advisor.objects.select_for_update().get(pk=advisor.pk)
    if user is not None and user.role not in ADVISOR_ACCOUNT_ROLES:
        raise ValidationFailed(
            "Ce compte ne peut pas tenir un agenda : invite la personne comme conseiller·ère.",
            code="not_an_advisor_account",
            fields={"user": ["Rôle incompatible."]},
        )
    if user is not None and Advisor.objects.filter(user=user).exclude(pk=advisor.pk).exists():
        raise Conflict("Ce compte est déjà relié à une autre fiche.", code="advisor_account_taken")
    before = advisor.user.email if advisor.user_id else None
    after = user.email if user is not None else None
    if before != after:
        advisor.user = user
        advisor.save(update_fields=["user"])
        audit_record(actor=by, action="advisor.link", obj=advisor, diff={"user": [before, after]})
    return advisor


def _video_extension(upload) -> str:
    """ "mp4" or "webm", read from the file's first bytes (never from its name)."""
    if upload.size > VIDEO_MAX_BYTES:
        raise ValidationFailed(
            f"La vidéo pèse {VIDEO_MAX_BYTES // (1024 * 1024)} Mo au plus.",
            code="video_too_large",
            fields={"video": ["Trop lourde."]},
        )
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head:
        return "webm"
    raise ValidationFailed(
        "La vidéo doit être un fichier MP4 ou WebM.",
        code="video_invalid",
        fields={"video": ["Format non reconnu."]},
    )


def _forget_file_after_commit(field_file, name: str) -> None:
    if name:
        storage = field_file.storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def advisor_presentation_update(
    *,
    advisor: Advisor,
    by,
    fields: dict[str, object],
    photo=None,
    video=None,
    remove_photo: bool = False,
    remove_video: bool = False,
) -> Advisor:
    """What young people read and watch before they choose: the advisor themself (or an admin
    or editor). A photo is re-encoded (WebP, server-chosen name); a video is an MP4 or WebM
    file or a link, always with a text alternative."""
    require_agenda_keeper(by, advisor)
    unknown = set(fields) - set(PRESENTATION_FIELDS)
    if unknown:
        raise ValidationFailed("Champs inconnus.", fields={name: ["Inconnu."] for name in unknown})
    advisor = Advisor.objects.select_for_update().get(pk=advisor.pk)
    before = model_snapshot(advisor)
    old_photo = advisor.photo.name if advisor.photo else ""
    old_video = advisor.video_file.name if advisor.video_file else ""
    for name, value in fields.items():
        setattr(advisor, name, value)
    clean_photo = None
    if photo is not None:
        try:
            clean_photo = image_reencode(
                photo, max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE, output="WEBP"
            )
        except ValidationFailed as exc:
            raise ValidationFailed(
                exc.message, code=exc.code, fields={"photo": [exc.message]}
            ) from exc
    video_extension = _video_extension(video) if video is not None else None
    if remove_video and video is None:
        advisor.video_file = ""
    if video is not None and not str(advisor.video_text).strip():
        # The model checks the stored video; the one being sent is checked here.
        raise ValidationFailed(
            "Dis en quelques lignes ce que raconte la vidéo.",
            fields={"video_text": ["Obligatoire avec une vidéo."]},
        )
    _check_codes(advisor)
    full_clean_or_fail(advisor)
    if remove_photo and clean_photo is None:
        advisor.photo = ""
    if clean_photo is not None:
        advisor.photo.save(
            f"photo.{clean_photo.extension}", ContentFile(clean_photo.content), save=False
        )
        advisor.photo_caption = ""  # a real photo now, no longer an illustration
    if video_extension is not None:
        advisor.video_file.save(f"video.{video_extension}", video, save=False)
    advisor.save()
    new_photo = advisor.photo.name if advisor.photo else ""
    new_video = advisor.video_file.name if advisor.video_file else ""
    if old_photo != new_photo:
        _forget_file_after_commit(advisor.photo, old_photo)
    if old_video != new_video:
        _forget_file_after_commit(advisor.video_file, old_video)
    diff = diff_snapshots(before, model_snapshot(advisor))
    if diff:
        audit_record(actor=by, action="advisor.present", obj=advisor, diff=diff)
    return advisor


def _slot_checks(*, advisor: Advisor, format: str, capacity: int, video_link: str) -> None:  # noqa: A002
    if format not in advisor.formats:
        raise ValidationFailed(
            "Ce format n'est pas proposé par cette personne.", fields={"format": ["Non proposé."]}
        )
    if not 1 <= capacity <= SLOT_MAX_CAPACITY:
        raise ValidationFailed(
            f"Un créneau accueille de 1 à {SLOT_MAX_CAPACITY} personnes.",
            fields={"capacity": [f"Entre 1 et {SLOT_MAX_CAPACITY}."]},
        )
    if capacity > 1 and format != MeetingFormat.COLLECTIVE:
        raise ValidationFailed(
            "Plusieurs places, c'est un créneau en groupe : choisis le format « En groupe ».",
            fields={"capacity": ["Une seule place pour ce format."]},
        )
    if video_link and not video_link.startswith("https://"):
        raise ValidationFailed(
            "Le lien de visio doit commencer par https://",
            fields={"video_link": ["Adresse https:// attendue."]},
        )


@transaction.atomic
def slot_create(
    *,
    advisor: Advisor,
    starts_at: datetime,
    ends_at: datetime,
    format: str,  # noqa: A002
    capacity: int = 1,
    place: str = "",
    video_link: str = "",
    by=None,
) -> Slot:
    """A bookable slot: individual, group (`capacity` places) or informal; at an address
    (`place`, else the advisor's usual one) or through a video-call link."""
    require_agenda_keeper(by, advisor)
    if starts_at <= timezone.now():
        raise ValidationFailed(
            "Un créneau doit être dans le futur.", fields={"starts_at": ["Passé."]}
        )
    place, video_link = place.strip(), video_link.strip()
    _slot_checks(advisor=advisor, format=format, capacity=capacity, video_link=video_link)
    slot = Slot(
        advisor=advisor, starts_at=starts_at, ends_at=ends_at, format=format,
        capacity=capacity, place=place, video_link=video_link,
    )  # fmt: skip
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
    snapshot: dict[str, object] = {
        "advisor_id": slot.advisor_id,
        "starts_at": timezone.localtime(slot.starts_at).isoformat(),
        "ends_at": timezone.localtime(slot.ends_at).isoformat(),
        "format": slot.format,
    }
    for name in ("place", "video_link"):
        if getattr(slot, name):
            snapshot[name] = getattr(slot, name)
    if slot.capacity != 1:
        snapshot["capacity"] = slot.capacity
    return snapshot


@transaction.atomic
def slot_create_weekly(
    *,
    advisor: Advisor,
    starts_at: datetime,
    ends_at: datetime,
    format: str,  # noqa: A002
    weeks: int,
    by,
    capacity: int = 1,
    place: str = "",
    video_link: str = "",
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
        live = Slot.objects.filter(advisor=advisor, starts_at=start, canceled_at__isnull=True)
        if live.exists():
            skipped += 1
            continue
        slot = slot_create(
            advisor=advisor, starts_at=start, ends_at=end, format=format, by=by,
            capacity=capacity, place=place, video_link=video_link,
        )  # fmt: skip
        created.append(slot)
    return created, skipped


def _shift_weeks(moment: datetime, weeks: int) -> datetime:
    naive = timezone.make_naive(moment) + timedelta(weeks=weeks)
    return timezone.make_aware(naive)


@transaction.atomic
def slot_delete(*, slot: Slot, by) -> None:
    """Remove a free slot. A booked slot is refused: cancel the booking first."""
    slot = Slot.objects.select_for_update(of=("self",)).select_related("advisor").get(pk=slot.pk)
    require_agenda_keeper(by, slot.advisor)
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
def slot_cancel(*, slot: Slot, by, reason: str = "") -> Slot:
    """Cancel a slot and every booking it holds; each young person booked is told (inbox, and
    e-mail if they accept e-mails). The slot's time is free for a new one."""
    slot = Slot.objects.select_for_update(of=("self",)).select_related("advisor").get(pk=slot.pk)
    require_agenda_keeper(by, slot.advisor)
    if slot.canceled_at is not None:
        raise Conflict("Ce créneau est déjà annulé.", code="slot_canceled")
    now = timezone.now()
    reason = reason.strip()[:500]
    bookings = list(
        Booking.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(slot=slot, canceled_at__isnull=True)
    )
    for booking in bookings:
        booking.canceled_at = now
        booking.save(update_fields=["canceled_at"])
        booking.slot = slot
        _tell_canceled(booking, by=by, reason=reason)
    slot.canceled_at = now
    slot.save(update_fields=["canceled_at"])
    audit_record(
        actor=by, action="slot.cancel", obj=slot, label=str(slot),
        diff={"canceled_at": [None, now.isoformat()], "bookings": len(bookings), "reason": reason},
    )  # fmt: skip
    return slot


@transaction.atomic
def booking_create(
    *, slot_id: int, user: User, message: str = "", about_offer_id: object = None
) -> Booking:
    """Book a place in a slot. A slot never holds more people than its places, even when
    everyone clicks at the same instant: the slot's row is locked while its places are counted,
    and the database refuses a place held twice.

    about_offer_id: the aid to get help with (« Je me fais aider »), local or national; it must
    be an aid visible in this city. Its title is kept as it reads today."""
    from .selectors import advisor_list, booking_aid

    slot = (
        Slot.objects.select_for_update(of=("self",))
        .select_related("advisor")
        .filter(pk=slot_id)
        .first()
    )
    if slot is None or not advisor_list().filter(pk=slot.advisor_id).exists():
        raise NotFound("Ce créneau n'existe pas.")
    if slot.canceled_at is not None:
        raise Conflict("Ce créneau a été annulé. Choisis-en un autre.", code="slot_canceled")
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
    held = dict(
        Booking.objects.filter(slot=slot, canceled_at__isnull=True).values_list("seat", "user_id")
    )
    free = [seat for seat in range(1, slot.capacity + 1) if seat not in held]
    if not free:
        raise Conflict(
            "Ce créneau vient d'être réservé par quelqu'un d'autre. Choisis-en un autre.",
            code="slot_taken",
        )
    if user.pk in held.values():
        raise Conflict("Tu as déjà une place sur ce créneau.", code="already_booked")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                slot=slot,
                user=user,
                seat=free[0],
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
    if slot.where:
        body += f" Où : {slot.where}."
    if slot.video_link:
        body += f" Lien de visio : {slot.video_link}"
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
    """Cancel my booking; the place is free again at once."""
    booking = Booking.objects.select_for_update().filter(pk=booking_id, user=user).first()
    if booking is None:
        raise NotFound("Ce rendez-vous n'existe pas.")
    if booking.canceled_at is None:
        booking.canceled_at = timezone.now()
        booking.save(update_fields=["canceled_at"])
    return booking


def _tell_canceled(booking: Booking, *, by, reason: str) -> None:
    from .notifications import tell

    slot = booking.slot
    when = timezone.localtime(slot.starts_at)
    who = (
        slot.advisor.display_name
        if by is not None and slot.advisor.user_id == by.pk
        else "l'équipe de la ville"
    )
    body = f"Ton rendez-vous du {when:%d/%m à %Hh%M} a été annulé par {who}."
    if reason:
        body += f" Motif : {reason}"
    body += " Tu peux choisir un autre créneau."
    tell(
        user=booking.user,
        title=f"Rendez-vous annulé avec {slot.advisor.display_name}",
        body=body,
        link=f"/accompagnement/{slot.advisor_id}/",
    )


@transaction.atomic
def booking_cancel_by_staff(*, booking: Booking, by, reason: str = "") -> Booking:
    """The advisor (or an admin or editor) cancels a young person's booking: the place is free
    again and they are told (inbox, and e-mail if they accept e-mails)."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot__advisor", "user")
        .get(pk=booking.pk)
    )
    require_agenda_keeper(by, booking.slot.advisor)
    if booking.canceled_at is not None:
        raise Conflict("Ce rendez-vous est déjà annulé.", code="booking_canceled")
    booking.canceled_at = timezone.now()
    booking.save(update_fields=["canceled_at"])
    reason = reason.strip()[:500]
    _tell_canceled(booking, by=by, reason=reason)
    audit_record(
        actor=by, action="booking.cancel", obj=booking, label=str(booking.slot),
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
    message = InboxMessage.objects.create(
        user=user, title=title[:160], body=body, link=link, offer_id=offer_id
    )
    from .push import push_messages

    push_messages([message.pk])  # to the phone too, if they turned push on
    return message


def notification_settings_for(*, user: User) -> NotificationSettings:
    settings_row, _created = NotificationSettings.objects.get_or_create(
        user=user, defaults={"unsubscribe_token": secrets.token_urlsafe(32)}
    )
    return settings_row


DIGEST_CHOICES = ("weekly", "never")


@transaction.atomic
def notification_settings_update(
    *,
    user: User,
    digest: str | None = None,
    email: bool | None = None,
    push: bool | None = None,
) -> NotificationSettings:
    """A young person's choices: the weekly digest ("weekly" or "never"), e-mails (with no,
    everything comes to the inbox only) and push (Web Push to subscribed devices, push.py).
    None leaves a choice."""
    if not user.is_youth:
        raise PermissionDenied(
            "Les préférences de notification sont celles des jeunes.", code="not_youth"
        )
    if digest is not None and digest not in DIGEST_CHOICES:
        raise ValidationFailed(
            "Choisis « weekly » ou « never ».", fields={"digest": ["Valeur inconnue."]}
        )
    notification_settings_for(user=user)
    row = NotificationSettings.objects.select_for_update().get(user=user)
    if digest is not None:
        row.weekly_digest = digest == "weekly"
    if email is not None:
        row.email_enabled = email
    if push is not None:
        row.push_enabled = push
    row.save(update_fields=["weekly_digest", "email_enabled", "push_enabled"])
    return row


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
