"""Writes to a city's catalogue (current schema). Every staff action writes an audit row."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from kernel.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    full_clean_or_fail,
)
from kernel.text import unaccent

from shared_apps.geo.communes import commune_get
from tenant_apps.audit.services import audit_record, diff_snapshots, model_snapshot

from .models import (
    AbstractOffer,
    NationalOfferSetting,
    Offer,
    OfferStatus,
    PartnerMembership,
    Structure,
    StructurePhoto,
    StructureService,
)
from .permissions import (
    PARTNER_STRUCTURE_FIELDS,
    can_edit_offer,
    can_edit_structure,
    can_publish,
    can_write,
    is_partner,
    offers_visible_to,
    partner_structure_ids,
    require,
)
from .publication import Review, offer_published_announce, offer_reviewed_announce
from .themes import is_theme, theme_labels

OFFER_EDITABLE = {
    f.name
    for f in Offer._meta.get_fields()
    if getattr(f, "editable", False) and f.name not in {"id", "search_document", "status"}
} - {"import_hash", "search_vector", "created_at", "updated_at", "published_at"}
STRUCTURE_EDITABLE = {
    f.name
    for f in Structure._meta.get_fields()
    if getattr(f, "editable", False) and f.concrete and f.name != "id"
} - {"import_hash", "created_at", "updated_at"}


def search_document_for(offer: AbstractOffer, *, structure_name: str = "") -> str:
    """Title, summary, theme labels, structure, commune and institution, unaccented."""
    labels = theme_labels()
    parts = [offer.title, offer.summary, offer.institution_name, structure_name]
    parts += [labels.get(code, code.replace("-", " ")) for code in offer.themes or []]
    if offer.commune_insee:
        commune = commune_get(offer.commune_insee)
        if commune is not None:
            parts.append(commune.name)
    return unaccent(" ".join(p for p in parts if p))


def offer_refresh_search(offer: AbstractOffer) -> None:
    structure = getattr(offer, "structure", None)
    offer.search_document = search_document_for(
        offer, structure_name=structure.name if structure else ""
    )


_clean = full_clean_or_fail


def _assign(obj, fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(
            "Champ inconnu.", fields={name: ["Champ inconnu."] for name in sorted(unknown)}
        )
    for name, value in fields.items():
        setattr(obj, name, value)


def _require_partner_structure(by, structure: Structure | None) -> None:
    """A partner writes for its own structures only (for none when it has none)."""
    if not is_partner(by):
        return
    mine = partner_structure_ids(by)
    if structure is None:
        if mine:
            raise ValidationFailed(
                "Choisis la structure qui propose cette offre.",
                fields={"structure": ["Choisis une de tes structures."]},
            )
        return
    if structure.pk not in mine:
        raise PermissionDenied(
            "Tu ne peux écrire que pour tes structures.",
            code="not_your_structure",
        )


def _require_offer_access(by, offer: Offer) -> None:
    """Someone who may not even see this offer is told it does not exist (a partner and
    another structure's offer): the same 404 as a wrong id."""
    if not can_edit_offer(by, offer):
        if is_partner(by):
            raise NotFound("Cette offre n'existe pas.")
        require(False)


@transaction.atomic
def offer_create(*, by, fields: dict[str, Any]) -> Offer:
    """A new draft offer. A partner writes it for one of its structures."""
    require(can_write(by))
    offer = Offer(status=OfferStatus.DRAFT, created_by=by)
    _assign(offer, fields, OFFER_EDITABLE)
    _require_partner_structure(by, offer.structure)
    offer_refresh_search(offer)
    _clean(offer)
    offer.save()
    audit_record(actor=by, action="offer.create", obj=offer, diff=model_snapshot(offer))
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, by, fields: dict[str, Any]) -> Offer:
    """Edit an offer. Partners may only edit their structures' offers, and only while they are
    not published."""
    require(can_write(by))
    _require_offer_access(by, offer)
    if not can_publish(by) and offer.status not in (OfferStatus.DRAFT, OfferStatus.IN_REVIEW):
        require(False, "Seule l'équipe de la ville peut modifier une offre publiée.")
    before = model_snapshot(offer)
    _assign(offer, fields, OFFER_EDITABLE)
    if "structure" in fields or "structure_id" in fields:
        _require_partner_structure(by, offer.structure)
    offer_refresh_search(offer)
    _clean(offer)
    offer.save()
    diff = diff_snapshots(before, model_snapshot(offer))
    if diff:
        audit_record(actor=by, action="offer.update", obj=offer, diff=diff)
    return offer


TRANSITIONS = {
    # action: (allowed source statuses, target status, needs publish right)
    "submit": ((OfferStatus.DRAFT,), OfferStatus.IN_REVIEW, False),
    "publish": (
        (OfferStatus.DRAFT, OfferStatus.IN_REVIEW, OfferStatus.ARCHIVED),
        OfferStatus.PUBLISHED,
        True,
    ),
    "archive": (
        (OfferStatus.DRAFT, OfferStatus.IN_REVIEW, OfferStatus.PUBLISHED),
        OfferStatus.ARCHIVED,
        True,
    ),
    "reject": ((OfferStatus.IN_REVIEW,), OfferStatus.DRAFT, True),
}
ACTION_LABELS = {
    "submit": "envoyer en relecture",
    "publish": "publier",
    "archive": "archiver",
    "reject": "renvoyer en brouillon",
}


REASON_MAX_LENGTH = 1000


@transaction.atomic
def offer_transition(*, offer: Offer, by, action: str, reason: str = "") -> Offer:
    """Move an offer along draft → in_review → published → archived.

    The row is locked and its status read again under the lock: of two people publishing the
    same draft at once, one publishes (one audit row), the other gets a Conflict (409) saying
    the offer is already published. `offer` is updated in place and returned.

    reason: why a review sends the offer back to draft ("reject" needs one); kept on the offer
    for its author until it goes back to review, and in the audit row."""
    if action not in TRANSITIONS:
        raise ValidationFailed("Action inconnue.", fields={"action": ["Action inconnue."]})
    sources, target, needs_publish = TRANSITIONS[action]
    require(can_publish(by) if needs_publish else can_write(by))
    reason = (reason or "").strip()
    if action == "reject" and not reason:
        raise ValidationFailed(
            "Dis en quelques mots ce qui manque : l'auteur de l'offre le lira.",
            fields={"reason": ["Indique un motif."]},
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            f"Le motif tient en {REASON_MAX_LENGTH} caractères au plus.",
            fields={"reason": [f"{REASON_MAX_LENGTH} caractères au plus."]},
        )
    locked = Offer.objects.select_for_update().filter(pk=offer.pk).first()
    if locked is None:
        raise NotFound("Cette offre n'existe plus.")
    _require_offer_access(by, locked)
    if locked.status not in sources:
        offer.status = locked.status
        raise Conflict(
            f"Impossible de {ACTION_LABELS[action]} une offre au statut "
            f"« {locked.get_status_display()} ».",
            code="already_" + locked.status if locked.status == target else None,
        )
    if target == OfferStatus.PUBLISHED:
        _clean(locked)  # never publish an offer that no longer validates
        locked.published_at = timezone.now()
    old = locked.status
    locked.status = target
    diff = {"status": [old, target]}
    if action == "reject":
        diff["review_reason"] = [locked.review_reason, reason]
        locked.review_reason = reason
    elif locked.review_reason and action in ("submit", "publish"):
        locked.review_reason = ""  # answered: it goes back to review, or out
    locked.save(update_fields=["status", "published_at", "review_reason", "updated_at"])
    audit_record(actor=by, action=f"offer.{action}", obj=locked, diff=diff)
    if target == OfferStatus.PUBLISHED:
        _announce_later(locked)
    if old == OfferStatus.IN_REVIEW and action in ("publish", "reject"):
        _review_told_later(locked, by=by, approved=action == "publish", reason=reason)
    offer.status, offer.published_at, offer.updated_at, offer.review_reason = (
        locked.status,
        locked.published_at,
        locked.updated_at,
        locked.review_reason,
    )
    return offer


def _announce_later(offer: Offer) -> None:
    """Once committed, tell the apps above (publication hooks: matching announces the offer to
    the young people it fits, in a Celery task)."""
    offer_id = offer.pk
    transaction.on_commit(lambda: offer_published_announce(offer_id))


def _review_told_later(offer: Offer, *, by, approved: bool, reason: str) -> None:
    """Once committed, tell the apps above that a review answered (staff tells the author)."""
    review = Review(
        offer_id=offer.pk,
        approved=approved,
        reason=reason,
        reviewer_id=getattr(by, "pk", None),
    )
    transaction.on_commit(lambda: offer_reviewed_announce(review))


def offer_submit(*, offer: Offer, by) -> Offer:
    return offer_transition(offer=offer, by=by, action="submit")


def offer_publish(*, offer: Offer, by) -> Offer:
    return offer_transition(offer=offer, by=by, action="publish")


def offer_archive(*, offer: Offer, by) -> Offer:
    return offer_transition(offer=offer, by=by, action="archive")


def offer_bulk_transition(*, ids: list, by, action: str) -> tuple[int, list[str]]:
    """Apply `action` to each offer; returns (done, French messages for those skipped)."""
    done, skipped = 0, []
    # Only what `by` may see: a partner ticking another structure's id learns nothing of it.
    for offer in offers_visible_to(by, Offer.objects.filter(pk__in=ids)).order_by("title"):
        try:
            offer_transition(offer=offer, by=by, action=action)
            done += 1
        except (Conflict, ValidationFailed) as exc:
            skipped.append(f"{offer.title} : {exc.message}")
    return done, skipped


@transaction.atomic
def structure_create(*, by, fields: dict[str, Any]) -> Structure:
    require(can_publish(by))
    structure = Structure()
    _assign(structure, fields, STRUCTURE_EDITABLE)
    _clean(structure)
    structure.save()
    audit_record(actor=by, action="structure.create", obj=structure, diff=model_snapshot(structure))
    return structure


def _refresh_offers_of(structure: Structure) -> None:
    for offer in structure.offers.all():
        offer_refresh_search(offer)
        Offer.objects.filter(pk=offer.pk).update(search_document=offer.search_document)


@transaction.atomic
def structure_update(*, structure: Structure, by, fields: dict[str, Any]) -> Structure:
    """Edit a structure: editors all of it; its partners what changes often (places
    available, opening hours, contact)."""
    require(can_edit_structure(by, structure))
    before = model_snapshot(structure)
    old_places = structure.places_available
    allowed = STRUCTURE_EDITABLE if can_publish(by) else set(PARTNER_STRUCTURE_FIELDS)
    _assign(structure, fields, allowed)
    if structure.places_available != old_places:
        structure.places_updated_at = timezone.now()
    _clean(structure)
    structure.save()
    if before.get("name") != structure.name:
        _refresh_offers_of(structure)
    diff = diff_snapshots(before, model_snapshot(structure))
    if diff:
        audit_record(actor=by, action="structure.update", obj=structure, diff=diff)
    return structure


def structure_places_update(*, structure: Structure, by, places_available: int | None) -> Structure:
    """Staff keep the 'places available' figure current."""
    return structure_update(
        structure=structure, by=by, fields={"places_available": places_available}
    )


@transaction.atomic
def national_offer_setting_update(
    *,
    national_offer_id: uuid.UUID,
    by,
    hidden: bool | None = None,
    pinned: bool | None = None,
    local_note: str | None = None,
) -> NationalOfferSetting:
    """Hide, pin or annotate a national offer for this city only."""
    from shared_apps.national.models import NationalOffer

    require(can_publish(by))
    national = NationalOffer.objects.filter(pk=national_offer_id).first()
    if national is None:
        raise NotFound("Cette offre nationale n'existe pas.")
    setting, _ = NationalOfferSetting.objects.get_or_create(national_offer_id=national_offer_id)
    before = model_snapshot(setting, ["hidden", "pinned", "local_note"])
    if hidden is not None:
        setting.hidden = hidden
    if pinned is not None:
        setting.pinned = pinned
    if local_note is not None:
        setting.local_note = local_note.strip()
    setting.save()
    diff = diff_snapshots(before, model_snapshot(setting, ["hidden", "pinned", "local_note"]))
    if diff:
        audit_record(
            actor=by,
            action="national.setting",
            object_type="nationaloffer",
            object_id=str(national_offer_id),
            label=national.title,
            diff=diff,
        )
    return setting


@transaction.atomic
def partner_structures_set(*, user, structure_ids, by) -> list[Structure]:
    """The structures a partner account belongs to, replaced by `structure_ids` (audited).

    by: the city's admin, or a str naming an operator's command (it runs on the server).
    Raises ValidationFailed naming the ids that are not structures of this city."""
    require(isinstance(by, str) or bool(getattr(by, "is_city_admin", False)))
    wanted = {str(pk) for pk in structure_ids}
    structures = list(Structure.objects.filter(pk__in=_valid_uuids(wanted)))
    missing = wanted - {str(s.pk) for s in structures}
    if missing:
        raise ValidationFailed(
            "Structure inconnue dans cette ville.",
            fields={"structures": [f"Structure inconnue : {pk}." for pk in sorted(missing)]},
        )
    before = sorted(
        str(pk)
        for pk in PartnerMembership.objects.filter(user=user).values_list("structure_id", flat=True)
    )
    after = sorted(str(s.pk) for s in structures)
    if before == after:
        return structures
    PartnerMembership.objects.filter(user=user).exclude(structure__in=structures).delete()
    for structure in structures:
        PartnerMembership.objects.get_or_create(user=user, structure=structure)
    audit_record(
        actor=by,
        action="member.structures",
        obj=user,
        label=user.email,
        diff={"structures": [before, after]},
    )
    return structures


def _valid_uuids(values: set[str]) -> list[uuid.UUID]:
    valid = []
    for value in values:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    return valid


@transaction.atomic
def structure_service_save(
    *,
    structure: Structure,
    by,
    theme: str,
    places_available: int | None = None,
    next_availability=None,
    description: str = "",
) -> StructureService:
    """Declare (or update) a service of a structure and its room: editors for any structure,
    a partner for its own. Audited."""
    require(can_edit_structure(by, structure))
    if not is_theme(theme):
        raise ValidationFailed(
            "Choisis un service de la liste.", fields={"theme": ["Service inconnu."]}
        )
    if places_available is not None and places_available < 0:
        raise ValidationFailed(
            "Le nombre de places ne peut pas être négatif.",
            fields={"places_available": ["Nombre invalide."]},
        )
    service = (
        StructureService.objects.select_for_update()
        .filter(structure=structure, theme=theme)
        .first()
    )
    before = model_snapshot(service) if service else {}
    if service is None:
        service = StructureService(structure=structure, theme=theme)
    service.places_available = places_available
    service.next_availability = next_availability
    service.description = (description or "").strip()[:300]
    service.updated_by = getattr(by, "email", "")
    service.save()
    diff = diff_snapshots(before, model_snapshot(service))
    if diff:
        audit_record(actor=by, action="structure.service", obj=structure, diff=diff)
    return service


def structure_service_remove(*, structure: Structure, by, theme: str) -> bool:
    require(can_edit_structure(by, structure))
    deleted, _ = StructureService.objects.filter(structure=structure, theme=theme).delete()
    if deleted:
        audit_record(
            actor=by, action="structure.service_removed", obj=structure, diff={"theme": theme}
        )
    return bool(deleted)


# The welcome booklet: photos and a 360° panorama, re-encoded (kernel.images), never as sent.

PHOTO_MAX_BYTES = 4 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
PANORAMA_MAX_BYTES = 12 * 1024 * 1024
PANORAMA_MAX_SIDE = 6000  # an equirectangular 6000 x 3000 is sharp on a phone, ~1 MB in WebP
MAX_PHOTOS = 8


def _clean_upload(upload, *, field: str, max_bytes: int, max_side: int):
    from django.core.files.base import ContentFile
    from kernel.images import image_reencode

    try:
        clean = image_reencode(upload, max_bytes=max_bytes, max_side=max_side, output="WEBP")
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, code=exc.code, fields={field: [exc.message]}) from exc
    return ContentFile(clean.content, name=f"image.{clean.extension}")


@transaction.atomic
def structure_booklet_update(
    *,
    structure: Structure,
    by,
    fields: dict[str, Any],
    panorama=None,
    remove_panorama=False,
) -> Structure:
    """How to come, the video and its text, the panorama: editors, or the structure's partner."""
    require(can_edit_structure(by, structure))
    before = model_snapshot(structure)
    for name in ("access_info", "video_url", "video_text"):
        if name in fields:
            setattr(structure, name, (fields[name] or "").strip())
    if structure.video_url and not structure.video_text:
        raise ValidationFailed(
            "Une vidéo a besoin de son texte, pour qui ne peut pas la voir ou l'entendre.",
            fields={"video_text": ["Écris ce que montre et dit la vidéo."]},
        )
    if panorama is not None:
        structure.panorama.save(
            "panorama.webp",
            _clean_upload(
                panorama, field="panorama", max_bytes=PANORAMA_MAX_BYTES, max_side=PANORAMA_MAX_SIDE
            ),
            save=False,
        )
    elif remove_panorama:
        structure.panorama = ""
    _clean(structure)
    structure.save()
    diff = diff_snapshots(before, model_snapshot(structure))
    if diff:
        audit_record(actor=by, action="structure.update", obj=structure, diff=diff)
    return structure


def structure_photo_add(*, structure: Structure, by, image, alt: str) -> StructurePhoto:
    require(can_edit_structure(by, structure))
    alt = (alt or "").strip()
    if not alt:
        raise ValidationFailed("Dis ce que montre la photo.", fields={"alt": ["Obligatoire."]})
    if structure.photos.count() >= MAX_PHOTOS:
        raise ValidationFailed(f"{MAX_PHOTOS} photos au plus.", fields={"image": ["Trop."]})
    content = _clean_upload(
        image, field="image", max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE
    )
    photo = StructurePhoto(structure=structure, alt=alt[:160], position=structure.photos.count())
    photo.image.save("photo.webp", content, save=False)
    photo.save()
    audit_record(actor=by, action="structure.photo_added", obj=structure)
    return photo


def structure_photo_remove(*, structure: Structure, by, photo_id: int) -> bool:
    require(can_edit_structure(by, structure))
    deleted, _ = StructurePhoto.objects.filter(structure=structure, pk=photo_id).delete()
    return bool(deleted)
