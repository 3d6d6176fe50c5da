"""Writes of the youth portal: saves, event registrations with a waitlist, inspirations."""

from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from kernel.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    full_clean_or_fail,
)

from shared_apps.accounts.models import Role, User
from shared_apps.network.services import story_share, story_withdraw
from tenant_apps.audit.services import audit_record, diff_snapshots, model_snapshot
from tenant_apps.catalogue.models import Offer, OfferKind, OfferStatus
from tenant_apps.catalogue.permissions import can_publish, can_write, require
from tenant_apps.catalogue.selectors import offer_get_for_city
from tenants.models import build_url

from .models import Inspiration, InspirationStatus, Registration, RegistrationStatus, Save

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


def _youth_only(user: User) -> None:
    if not user.is_authenticated or user.role != Role.YOUTH:
        raise PermissionDenied(
            "Cette fonction est réservée aux jeunes inscrits.", code="youth_only"
        )


def _offer_uuid(offer_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(offer_id))
    except ValueError as exc:
        raise NotFound("Cette offre n'existe pas ou plus.") from exc


# Saves


@transaction.atomic
def save_add(*, user: User, offer_id: uuid.UUID | str) -> Save:
    """Keep an offer visible in this city (local or national) for later; idempotent."""
    _youth_only(user)
    hit = offer_get_for_city(offer_id=_offer_uuid(offer_id))
    if hit is None:
        raise NotFound("Cette offre n'existe pas ou plus.")
    save, _created = Save.objects.get_or_create(
        user=user, offer_id=hit.offer.pk, defaults={"is_national": hit.is_national}
    )
    return save


@transaction.atomic
def save_remove(*, user: User, offer_id: uuid.UUID | str) -> bool:
    """Forget a saved offer; True when there was one."""
    deleted, _ = Save.objects.filter(user=user, offer_id=_offer_uuid(offer_id)).delete()
    return bool(deleted)


# Registrations


def _lock_event(offer_id) -> Offer:
    """The city's published, upcoming event, its row locked for the rest of the transaction.

    Every registration change of one event takes this lock first, so counting places and
    handing out the next position never race: two people can never take the last place.
    """
    now = timezone.now()
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .filter(pk=_offer_uuid(offer_id), kind=OfferKind.EVENEMENT, status=OfferStatus.PUBLISHED)
        .exclude(publish_from__gt=now)
        .exclude(publish_until__lte=now)
        .first()
    )
    if offer is None:
        raise NotFound(
            "Cet événement n'existe pas dans ta ville, ou on ne peut pas s'y inscrire ici.",
            code="event_not_found",
        )
    return offer


def _places_left(offer: Offer) -> int | None:
    if offer.capacity is None:
        return None
    taken = Registration.objects.filter(offer=offer, status=RegistrationStatus.REGISTERED).count()
    return max(offer.capacity - taken, 0)


def _next_position(offer: Offer) -> int:
    return (Registration.objects.filter(offer=offer).aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def registration_create(*, user: User, offer_id: uuid.UUID | str) -> Registration:
    """Register to an event: a place if one is left, else a place on the waitlist."""
    _youth_only(user)
    offer = _lock_event(offer_id)
    if (offer.ends_at or offer.starts_at) and (offer.ends_at or offer.starts_at) < timezone.now():
        raise ValidationFailed("Cet événement est déjà passé.", code="event_past")
    existing = Registration.objects.filter(user=user, offer=offer).first()
    if existing is not None and existing.status in ACTIVE:
        return existing
    places = _places_left(offer)
    status = (
        RegistrationStatus.REGISTERED
        if places is None or places > 0
        else RegistrationStatus.WAITLISTED
    )
    registration = existing or Registration(user=user, offer=offer)
    registration.status = status
    registration.position = _next_position(offer)
    registration.reminded_at = None
    registration.created_at = timezone.now()
    registration.save()
    return registration


@transaction.atomic
def registration_cancel(*, user: User, offer_id: uuid.UUID | str) -> Registration:
    """Cancel my registration; a freed place goes to the first person on the waitlist."""
    offer = _lock_event_any(offer_id)
    registration = Registration.objects.filter(user=user, offer=offer).first()
    if registration is None or registration.status not in ACTIVE:
        raise NotFound("Tu n'es pas inscrit·e à cet événement.", code="not_registered")
    _cancel(registration)
    return registration


def _lock_event_any(offer_id) -> Offer:
    """Like _lock_event, for cancelling: archived or past events can still be left."""
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .filter(pk=_offer_uuid(offer_id), kind=OfferKind.EVENEMENT)
        .first()
    )
    if offer is None:
        raise NotFound("Cet événement n'existe pas dans ta ville.", code="event_not_found")
    return offer


def _cancel(registration: Registration) -> None:
    """Cancel one registration (the event's row is already locked) and promote if needed."""
    was_registered = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    if was_registered:
        _promote(registration.offer)


def _promote(offer: Offer) -> list[Registration]:
    """Give free places to the waitlist, first come first served, and tell each person."""
    from tenant_apps.matching.services import inbox_add

    from .notifications import send_promotion_email

    promoted = []
    places = _places_left(offer)
    queue = Registration.objects.filter(
        offer=offer, status=RegistrationStatus.WAITLISTED, user__isnull=False
    ).order_by("position")
    for registration in queue[: places if places is not None else None]:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        promoted.append(registration)
        inbox_add(
            user=registration.user,
            title=f"Une place s'est libérée : tu es inscrit·e à « {offer.title} »",
            body="Tu étais sur la liste d'attente. Si tu ne peux plus venir, annule pour "
            "laisser ta place.",
            link="/mes-inscriptions/",
        )
        transaction.on_commit(lambda pk=registration.pk: send_promotion_email(registration_id=pk))
    return promoted


def registrations_forget_user(*, user: User) -> None:
    """Erasure: free the person's places (promoting the waitlist), then unlink their rows."""
    for registration in Registration.objects.filter(user=user, status__in=ACTIVE).select_related(
        "offer"
    ):
        Offer.objects.select_for_update(of=("self",)).filter(pk=registration.offer_id).first()
        registration.refresh_from_db()
        if registration.status in ACTIVE:
            _cancel(registration)
    # The rating stays in the event's figures; the word, which may say who, goes.
    Registration.objects.filter(user=user).update(user=None, attended_at=None, feedback_word="")


# After the event: the people who came rate it and say one word


@transaction.atomic
def event_feedback_give(
    *, user: User, offer_id: uuid.UUID | str, rating: int, word: str = ""
) -> Registration:
    """Someone marked present rates the event (1 to 5) and may say one word, once."""
    _youth_only(user)
    registration = (
        Registration.objects.select_for_update()
        .select_related("offer")
        .filter(user=user, offer_id=_offer_uuid(offer_id))
        .first()
    )
    if registration is None or registration.attended_at is None:
        raise PermissionDenied(
            "Seules les personnes venues à l'événement peuvent donner leur avis.",
            code="not_attended",
        )
    if registration.feedback_at is not None:
        raise Conflict("Tu as déjà donné ton avis, merci !", code="already_rated")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed("Une note de 1 à 5.", fields={"rating": ["Une note de 1 à 5."]})
    word = " ".join((word or "").split())
    if len(word) > 30 or "://" in word:
        raise ValidationFailed("Un mot, 30 caractères au plus.", fields={"word": ["Un mot."]})
    registration.rating, registration.feedback_word = rating, word
    registration.feedback_at = timezone.now()
    registration.save(update_fields=["rating", "feedback_word", "feedback_at", "updated_at"])
    return registration


# Attendance (staff)


@transaction.atomic
def registration_mark_attendance(
    *, registration: Registration, by: User, attended: bool
) -> Registration:
    """Staff note that a registered person came (or not) to an event that has started."""
    require(can_write(by))
    # Same lock as every other change of the event's registrations (cancel, promote).
    Offer.objects.select_for_update(of=("self",)).filter(pk=registration.offer_id).first()
    registration.refresh_from_db()
    if registration.status != RegistrationStatus.REGISTERED:
        raise ValidationFailed(
            "On ne note la présence que des personnes inscrites : "
            "pas de la liste d'attente ni des inscriptions annulées.",
            code="not_registered",
        )
    now = timezone.now()
    starts_at = registration.offer.starts_at
    if starts_at is not None and starts_at > now:
        raise ValidationFailed(
            "Cet événement n'a pas encore commencé : les présences se notent à partir "
            "de son début.",
            code="event_not_started",
        )
    if attended == (registration.attended_at is not None):
        return registration
    before = registration.attended_at
    registration.attended_at = now if attended else None
    registration.save(update_fields=["attended_at", "updated_at"])
    audit_record(
        actor=by,
        action="registration.attend" if attended else "registration.unattend",
        obj=registration,
        label=registration.offer.title,
        diff={"attended_at": [_iso(before), _iso(registration.attended_at)]},
    )
    return registration


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@transaction.atomic
def event_attendance_set(*, offer: Offer, by: User, attended_ids: set[int]) -> int:
    """The staff page's form: exactly the registered people whose id is in `attended_ids`
    are present. All or nothing; returns how many registrations changed."""
    require(can_write(by))
    changed = 0
    for registration in Registration.objects.filter(
        offer=offer, status=RegistrationStatus.REGISTERED
    ).order_by("position"):
        wanted = registration.pk in attended_ids
        if wanted != (registration.attended_at is not None):
            registration_mark_attendance(registration=registration, by=by, attended=wanted)
            changed += 1
    return changed


# Inspirations (staff)

INSPIRATION_FIELDS = (
    "title",
    "person",
    "age",
    "place",
    "is_local",
    "summary",
    "body",
    "link_url",
    "video_url",
    "video_text",
    "offer_ids",
)


def _clean_and_save(instance) -> None:
    if isinstance(instance, Inspiration):
        _check_video(instance)
    full_clean_or_fail(instance)
    instance.save()


@transaction.atomic
def inspiration_create(*, by: User, **fields) -> Inspiration:
    """A new story, as a draft (any staff member who can write)."""
    require(can_write(by))
    unknown = set(fields) - set(INSPIRATION_FIELDS)
    if unknown:
        raise ValidationFailed("Champs inconnus.", fields={k: ["Inconnu."] for k in unknown})
    inspiration = Inspiration(**fields)
    _clean_and_save(inspiration)
    audit_record(actor=by, action="inspiration.create", obj=inspiration)
    return inspiration


@transaction.atomic
def inspiration_update(*, by: User, inspiration: Inspiration, **fields) -> Inspiration:
    require(can_write(by))
    if inspiration.status == InspirationStatus.PUBLISHED:
        require(can_publish(by), "Seuls les éditeurs modifient une histoire publiée.")
    before = model_snapshot(inspiration, list(INSPIRATION_FIELDS))
    for name, value in fields.items():
        if name not in INSPIRATION_FIELDS:
            raise ValidationFailed("Champs inconnus.", fields={name: ["Inconnu."]})
        setattr(inspiration, name, value)
    _clean_and_save(inspiration)
    diff = diff_snapshots(before, model_snapshot(inspiration, list(INSPIRATION_FIELDS)))
    audit_record(actor=by, action="inspiration.update", obj=inspiration, diff=diff)
    if inspiration.shared:
        _network_copy(inspiration)  # the copy elsewhere follows
    return inspiration


@transaction.atomic
def inspiration_publish(*, by: User, inspiration: Inspiration, publish: bool = True) -> Inspiration:
    require(can_publish(by), "Seuls les éditeurs publient une histoire.")
    if publish:
        inspiration.status = InspirationStatus.PUBLISHED
        inspiration.published_at = inspiration.published_at or timezone.now()
    else:
        inspiration.status = InspirationStatus.DRAFT
        if inspiration.shared:  # unpublished here: gone from everywhere
            story_withdraw(city=connection.tenant, source_id=inspiration.pk)
            inspiration.shared = False
    inspiration.save(update_fields=["status", "published_at", "shared", "updated_at"])
    action = "inspiration.publish" if publish else "inspiration.unpublish"
    audit_record(actor=by, action=action, obj=inspiration)
    return inspiration


@transaction.atomic
def inspiration_delete(*, by: User, inspiration: Inspiration) -> None:
    require(can_publish(by), "Seuls les éditeurs suppriment une histoire.")
    audit_record(actor=by, action="inspiration.delete", obj=inspiration)
    story_withdraw(city=connection.tenant, source_id=inspiration.pk)
    inspiration.delete()


def _check_video(inspiration: Inspiration) -> None:
    if inspiration.video_url and not inspiration.video_text.strip():
        raise ValidationFailed(
            "Une vidéo a besoin de son texte, pour qui ne peut pas la voir ou l'entendre.",
            fields={"video_text": ["Écris ce que dit la vidéo."]},
        )


@transaction.atomic
def inspiration_consent_record(*, by: User, inspiration: Inspiration, given: bool) -> Inspiration:
    """Staff record that the young person agreed (in writing) to the story being shared with
    other cities, or that they withdrew it (which withdraws the story everywhere)."""
    require(can_publish(by), "Seuls les éditeurs recueillent cet accord.")
    if given:
        inspiration.consent_at, inspiration.consent_by = timezone.now(), by.email
    else:
        inspiration.consent_at, inspiration.consent_by = None, ""
        if inspiration.shared:
            story_withdraw(city=connection.tenant, source_id=inspiration.pk)
            inspiration.shared = False
    inspiration.save(update_fields=["consent_at", "consent_by", "shared", "updated_at"])
    audit_record(
        actor=by,
        action="inspiration.consent" if given else "inspiration.consent_withdrawn",
        obj=inspiration,
    )
    return inspiration


@transaction.atomic
def inspiration_share(*, by: User, inspiration: Inspiration, share: bool = True) -> Inspiration:
    """Publish the story to the network of cities (a read-only copy every city shows as
    « d'ailleurs »), or withdraw it, which removes it everywhere at once."""
    require(can_publish(by), "Seuls les éditeurs partagent une histoire.")
    if share:
        if inspiration.status != InspirationStatus.PUBLISHED:
            raise ValidationFailed("Publie d'abord l'histoire ici.", code="not_published")
        if inspiration.consent_at is None:
            raise ValidationFailed(
                "Il faut l'accord du jeune, enregistré, pour partager son histoire.",
                code="no_consent",
            )
        _check_video(inspiration)
        _network_copy(inspiration)
    else:
        story_withdraw(city=connection.tenant, source_id=inspiration.pk)
    inspiration.shared = share
    inspiration.save(update_fields=["shared", "updated_at"])
    audit_record(
        actor=by, action="inspiration.share" if share else "inspiration.withdraw", obj=inspiration
    )
    return inspiration


def _network_copy(inspiration: Inspiration) -> None:
    city = connection.tenant
    offers = []
    for offer_id in inspiration.offer_ids or []:
        hit = offer_get_for_city(offer_id=offer_id, city=city)
        if hit is not None:
            offers.append(
                {
                    "title": hit.offer.title,
                    "kind": hit.offer.kind,
                    "themes": list(hit.offer.themes or [])[:5],
                    "national_id": str(hit.offer.pk) if hit.is_national else None,
                }
            )
    photo = build_url(city.primary_host, inspiration.photo.url) if inspiration.photo else ""
    story_share(
        city=city,
        source_id=inspiration.pk,
        fields={
            "title": inspiration.title,
            "person": inspiration.person,
            "age": inspiration.age,
            "place": inspiration.place or city.name,
            "summary": inspiration.summary,
            "body": inspiration.body,
            "photo_url": photo,
            "photo_caption": inspiration.photo_caption,
            "video_url": inspiration.video_url,
            "video_text": inspiration.video_text,
            "offers": offers,
        },
    )
