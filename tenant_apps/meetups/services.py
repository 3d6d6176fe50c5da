"""Writes of « Adopte un pro »: staff set up a speed meeting and its pros, young people choose
whom to meet, staff build and send the schedule, then either side asks to meet again.

Every write that reads and changes a meeting's choices or schedule locks the meeting's row
first (`_lock`), so a young person changing their choices and staff building the schedule
never interleave, and a double click sends nothing twice.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from kernel.dates import french_format
from kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from shared_apps.accounts.models import Role, User
from tenant_apps.audit.services import audit_record
from tenant_apps.catalogue.models import Offer, OfferKind, OfferStatus, PartnerMembership
from tenant_apps.catalogue.permissions import can_publish
from tenant_apps.matching.models import Advisor
from tenant_apps.matching.notifications import tell
from tenant_apps.portal.models import Registration, RegistrationStatus

from .models import Choice, FollowUp, FollowUpSide, Pro, Rendezvous, SpeedMeeting
from .schedule import plan_rounds

PRO_ROLES = (Role.PARTNER, Role.ADVISOR)
LIMITS = {
    "rounds": (1, 20),
    "round_minutes": (3, 60),
    "break_minutes": (0, 30),
    "choices_max": (1, 10),
}


def _require_editor(by) -> None:
    if not can_publish(by):
        raise PermissionDenied(
            "Seuls les administrateurs et éditeurs organisent « Adopte un pro ».",
            code="not_editor",
        )


def _lock(meeting_id: int) -> SpeedMeeting:
    meeting = (
        SpeedMeeting.objects.select_for_update(of=("self",))
        .select_related("offer", "referent")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise NotFound("Ces rencontres n'existent pas dans ta ville.", code="meeting_not_found")
    return meeting


def _when(moment) -> str:
    return french_format(timezone.localtime(moment), "l j F à H\\hi")


def _hour(moment) -> str:
    return french_format(timezone.localtime(moment), "H\\hi")


def _pseudo(user: User | None) -> str:
    """What a pro reads of a young person: their pseudonym, never their e-mail."""
    return (user.display_name if user else "") or "un·e jeune"


# Set-up (staff)


def _check_settings(offer: Offer, values: dict[str, int], referent: Advisor | None) -> None:
    errors: dict[str, list[str]] = {}
    for name, (low, high) in LIMITS.items():
        value = values.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            errors[name] = [f"Entre {low} et {high}."]
    if offer.starts_at is None:
        errors["offer"] = ["L'événement doit avoir une date et une heure de début."]
    elif not errors and offer.ends_at:
        span = values["rounds"] * values["round_minutes"]
        span += (values["rounds"] - 1) * values["break_minutes"]
        if offer.starts_at + timedelta(minutes=span) > offer.ends_at:
            errors["rounds"] = [
                f"{values['rounds']} rencontres durent {span} minutes : plus que l'événement."
            ]
    if referent is not None and not referent.is_active:
        errors["referent"] = ["Ce conseiller ou cette conseillère n'est plus actif·ve."]
    if errors:
        raise ValidationFailed("Vérifie les réglages des rencontres.", fields=errors)


@transaction.atomic
def speed_meeting_save(
    *, by, offer_id, values: dict[str, int], referent_id: int | None = None
) -> SpeedMeeting:
    """Create or change the speed meetings of one of the city's events."""
    _require_editor(by)
    try:
        offer_uuid = uuid.UUID(str(offer_id))
    except ValueError:
        raise ValidationFailed(
            "Choisis un événement de la liste.", fields={"offer": ["Identifiant invalide."]}
        ) from None
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .filter(pk=offer_uuid, kind=OfferKind.EVENEMENT)
        .exclude(status=OfferStatus.ARCHIVED)
        .first()
    )
    if offer is None:
        raise NotFound("Cet événement n'existe pas dans ta ville.", code="event_not_found")
    referent = Advisor.objects.filter(pk=referent_id).first() if referent_id else None
    if referent_id and referent is None:
        raise ValidationFailed("Conseiller·ère inconnu·e.", fields={"referent": ["Inconnu."]})
    _check_settings(offer, values, referent)
    meeting = SpeedMeeting.objects.filter(offer=offer).first()
    if (
        meeting is not None
        and meeting.schedule_sent_at
        and (
            values["rounds"] != meeting.rounds
            or values["round_minutes"] != meeting.round_minutes
            or values["break_minutes"] != meeting.break_minutes
        )
    ):
        raise Conflict(
            "Le planning est déjà envoyé : on ne change plus les horaires.", code="schedule_sent"
        )
    created = meeting is None
    meeting = meeting or SpeedMeeting(offer=offer)
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.referent = referent
    if not created and meeting.schedule_built_at and not meeting.schedule_sent_at:
        meeting.schedule_built_at = None  # the rounds changed: build it again
        Rendezvous.objects.filter(meeting=meeting).delete()
    meeting.save()
    audit_record(
        actor=by,
        action="meetup.create" if created else "meetup.update",
        obj=meeting,
        label=offer.title,
        diff={name: [None, value] for name, value in values.items()},
    )
    return meeting


def pro_candidates() -> list[User]:
    """The city's accounts that can hold a table: partners and advisors, active."""
    return list(User.objects.filter(role__in=PRO_ROLES, is_active=True).order_by("display_name"))


def _pro_defaults(user: User) -> dict[str, str]:
    advisor = Advisor.objects.filter(user=user).first()
    if advisor is not None:
        return {
            "display_name": advisor.display_name,
            "organisation": advisor.organisation,
            "job_title": advisor.job_title,
        }
    membership = PartnerMembership.objects.filter(user=user).select_related("structure").first()
    return {
        "display_name": user.display_name or user.email.split("@")[0],
        "organisation": membership.structure.name if membership else "",
        "job_title": "",
    }


def _check_pro_fields(fields: dict[str, str]) -> dict[str, str]:
    limits = {"display_name": 80, "organisation": 120, "job_title": 120, "pitch": 300, "table": 30}
    clean = {name: (fields.get(name) or "").strip()[:size] for name, size in limits.items()}
    errors = {}
    if not clean["display_name"]:
        errors["display_name"] = ["Le nom affiché est obligatoire."]
    if not clean["job_title"]:
        errors["job_title"] = ["Dis en quelques mots le métier : c'est ce que les jeunes lisent."]
    if errors:
        raise ValidationFailed("Vérifie la fiche du ou de la pro.", fields=errors)
    return clean


@transaction.atomic
def pro_add(*, by, meeting_id: int, user_id: int, fields: dict[str, str]) -> Pro:
    """Give a partner or advisor account a table; blank fields come from their account."""
    _require_editor(by)
    meeting = _lock(meeting_id)
    if meeting.schedule_sent_at:
        raise Conflict("Le planning est déjà envoyé.", code="schedule_sent")
    user = User.objects.filter(pk=user_id, role__in=PRO_ROLES, is_active=True).first()
    if user is None:
        raise ValidationFailed(
            "Choisis un compte partenaire ou conseiller·ère de la ville.",
            fields={"user": ["Compte inconnu ou sans ce rôle."]},
        )
    if Pro.objects.filter(meeting=meeting, user=user).exists():
        raise Conflict("Cette personne a déjà une table.", code="pro_exists")
    merged = {**_pro_defaults(user), **{k: v for k, v in fields.items() if v}}
    clean = _check_pro_fields(merged)
    pro = Pro.objects.create(meeting=meeting, user=user, **clean)
    audit_record(actor=by, action="meetup.pro_add", obj=pro, label=str(pro))
    return pro


@transaction.atomic
def pro_update(*, by, pro_id: int, fields: dict[str, str]) -> Pro:
    """Editors, or the pro themself, keep the table's card current."""
    pro = Pro.objects.select_related("meeting").filter(pk=pro_id).first()
    if pro is None:
        raise NotFound("Cette table n'existe pas.", code="pro_not_found")
    if not (can_publish(by) or pro.user_id == getattr(by, "pk", None)):
        raise PermissionDenied("Seule la personne ou un·e éditeur·rice modifie cette fiche.")
    clean = _check_pro_fields({**{k: getattr(pro, k) for k in fields}, **fields})
    changed = {k: [getattr(pro, k), v] for k, v in clean.items() if getattr(pro, k) != v}
    for name, value in clean.items():
        setattr(pro, name, value)
    pro.save()
    if changed:
        audit_record(actor=by, action="meetup.pro_update", obj=pro, diff=changed)
    return pro


@transaction.atomic
def pro_remove(*, by, pro_id: int) -> None:
    _require_editor(by)
    pro = Pro.objects.filter(pk=pro_id).first()
    if pro is None:
        return  # already gone (a second click)
    meeting = _lock(pro.meeting_id)
    if meeting.schedule_sent_at:
        raise Conflict("Le planning est déjà envoyé.", code="schedule_sent")
    audit_record(actor=by, action="meetup.pro_remove", obj=pro, label=str(pro))
    pro.delete()
    if meeting.schedule_built_at:
        meeting.schedule_built_at = None
        meeting.save(update_fields=["schedule_built_at", "updated_at"])
        Rendezvous.objects.filter(meeting=meeting).delete()


# Young people


def _registered(user: User, meeting: SpeedMeeting) -> Registration | None:
    return Registration.objects.filter(user=user, offer_id=meeting.offer_id).first()


@transaction.atomic
def choices_set(*, user: User, meeting_id: int, pro_ids: list[int]) -> list[Choice]:
    """Replace the young person's choices: `pro_ids` by order of preference."""
    if not user.is_authenticated or user.role != Role.YOUTH:
        raise PermissionDenied("Seul·e un·e jeune choisit les pros à rencontrer.")
    meeting = _lock(meeting_id)
    registration = _registered(user, meeting)
    if registration is None or registration.status != RegistrationStatus.REGISTERED:
        waiting = registration is not None and registration.status == RegistrationStatus.WAITLISTED
        raise ValidationFailed(
            "Tu es sur liste d'attente : tu pourras choisir dès qu'une place se libère."
            if waiting
            else "Inscris-toi d'abord à l'événement, puis choisis qui tu veux rencontrer.",
            code="not_registered",
        )
    if not meeting.choices_open:
        raise Conflict(
            "Le planning est déjà envoyé : les choix sont fermés.", code="choices_closed"
        )
    wanted = [int(pk) for pk in pro_ids if pk]
    if len(set(wanted)) != len(wanted):
        raise ValidationFailed(
            "Tu as choisi deux fois la même personne.", fields={"pros": ["En double."]}
        )
    if len(wanted) > meeting.choices_max:
        raise ValidationFailed(
            f"{meeting.choices_max} pros au plus.", fields={"pros": ["Trop de choix."]}
        )
    known = set(Pro.objects.filter(meeting=meeting, pk__in=wanted).values_list("pk", flat=True))
    if known != set(wanted):
        raise ValidationFailed("Un des pros choisis n'est pas là.", fields={"pros": ["Inconnu."]})
    Choice.objects.filter(meeting=meeting, user=user).delete()
    now = timezone.now()
    choices = Choice.objects.bulk_create(
        [
            Choice(meeting=meeting, pro_id=pk, user=user, rank=rank, created_at=now)
            for rank, pk in enumerate(wanted, start=1)
        ]
    )
    if meeting.schedule_built_at:  # a draft schedule no longer matches the choices
        meeting.schedule_built_at = None
        meeting.save(update_fields=["schedule_built_at", "updated_at"])
        Rendezvous.objects.filter(meeting=meeting).delete()
    return choices


# The schedule (staff)


@transaction.atomic
def schedule_build(*, by, meeting_id: int) -> tuple[int, int]:
    """(Re)build the draft schedule from the choices of those with a place; returns
    (rendezvous placed, wishes left unplaced). Nobody is told until `schedule_send`."""
    _require_editor(by)
    meeting = _lock(meeting_id)
    if meeting.schedule_sent_at:
        raise Conflict("Le planning est déjà envoyé.", code="schedule_sent")
    positions = dict(
        Registration.objects.filter(
            offer_id=meeting.offer_id, status=RegistrationStatus.REGISTERED
        ).values_list("user_id", "position")
    )
    by_person: dict[int, list[int]] = defaultdict(list)
    for user_id, pro_id in (
        Choice.objects.filter(meeting=meeting, user_id__in=positions)
        .order_by("user_id", "rank")
        .values_list("user_id", "pro_id")
    ):
        by_person[user_id].append(pro_id)
    wishes = sorted(by_person.items(), key=lambda item: positions[item[0]])
    plan = plan_rounds(rounds=meeting.rounds, wishes=wishes)
    Rendezvous.objects.filter(meeting=meeting).delete()
    Rendezvous.objects.bulk_create(
        [
            Rendezvous(meeting=meeting, pro_id=pro, user_id=person, round=number)
            for pro, person, number in plan.placed
        ]
    )
    meeting.schedule_built_at = timezone.now()
    meeting.save(update_fields=["schedule_built_at", "updated_at"])
    audit_record(
        actor=by,
        action="meetup.schedule_build",
        obj=meeting,
        label=meeting.offer.title,
        diff={"placed": [None, len(plan.placed)], "unplaced": [None, len(plan.unplaced)]},
    )
    return len(plan.placed), len(plan.unplaced)


@transaction.atomic
def schedule_send(*, by, meeting_id: int) -> int:
    """Send everyone their schedule (inbox and e-mail); returns how many people were told.
    A second call sends nothing."""
    _require_editor(by)
    meeting = _lock(meeting_id)
    if meeting.schedule_sent_at:
        return 0
    if not meeting.schedule_built_at:
        raise ValidationFailed(
            "Établis d'abord le planning, relis-le, puis envoie-le.", code="schedule_not_built"
        )
    meeting.schedule_sent_at = timezone.now()
    meeting.save(update_fields=["schedule_sent_at", "updated_at"])
    link = f"/adopte-un-pro/{meeting.pk}/"
    title = meeting.offer.title
    rows = list(
        Rendezvous.objects.filter(meeting=meeting).select_related("pro", "pro__user", "user")
    )
    per_person: dict[int, list[Rendezvous]] = defaultdict(list)
    per_pro: dict[int, list[Rendezvous]] = defaultdict(list)
    for row in rows:
        if row.user_id:
            per_person[row.user_id].append(row)
        per_pro[row.pro_id].append(row)
    told = 0
    for items in per_person.values():
        lines = [
            f"{_hour(r.window()[0])} : {r.pro.display_name}, {r.pro.job_title}"
            + (f" ({r.pro.table})" if r.pro.table else "")
            for r in sorted(items, key=lambda r: r.round)
        ]
        tell(
            user=items[0].user,
            title=f"Ton planning pour « {title} »",
            body=f"Le {_when(meeting.offer.starts_at)}, tu rencontres :\n" + "\n".join(lines),
            link=link,
        )
        told += 1
    chose = set(Choice.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    for user in User.objects.filter(pk__in=chose - set(per_person)):
        tell(
            user=user,
            title=f"« {title} » : pas de rencontre pour toi cette fois",
            body="Les pros que tu as choisis étaient très demandés : leurs rencontres sont "
            "complètes. Viens quand même, et parles-en à ton conseiller ou ta conseillère.",
            link=link,
        )
        told += 1
    for items in per_pro.values():
        pro = items[0].pro
        lines = [
            f"{_hour(r.window()[0])} : {_pseudo(r.user)}"
            for r in sorted(items, key=lambda r: r.round)
        ]
        tell(
            user=pro.user,
            title=f"Vos rencontres pour « {title} »",
            body=f"Le {_when(meeting.offer.starts_at)}"
            + (f", {pro.table}" if pro.table else "")
            + " :\n"
            + "\n".join(lines),
            link=f"/staff/adopte-un-pro/{meeting.pk}/",
        )
        told += 1
    audit_record(
        actor=by, action="meetup.schedule_send", obj=meeting, label=title,
        diff={"told": [None, told]},
    )  # fmt: skip
    return told


# Afterwards


@transaction.atomic
def follow_up_request(*, by: User, rendezvous_id: int) -> tuple[FollowUp, bool]:
    """`by` (the young person or the pro of this rendezvous) asks to meet again. Returns the
    request and whether the other side asked too. The other side and the referent advisor
    are told once; a second click changes nothing."""
    rendezvous = (
        Rendezvous.objects.select_related("meeting__offer", "meeting__referent__user", "pro__user")
        .select_related("user")
        .filter(pk=rendezvous_id)
        .first()
    )
    if rendezvous is None or not rendezvous.meeting.schedule_sent_at:
        raise NotFound("Cette rencontre n'existe pas.", code="rendezvous_not_found")
    if by.pk is not None and by.pk == rendezvous.user_id:
        side, other = FollowUpSide.YOUTH, rendezvous.pro.user
    elif by.pk is not None and by.pk == rendezvous.pro.user_id:
        side, other = FollowUpSide.PRO, rendezvous.user
    else:
        raise PermissionDenied("Ce n'est pas ta rencontre.", code="not_your_rendezvous")
    if rendezvous.window()[0] > timezone.now():
        raise ValidationFailed(
            "Tu pourras le demander après la rencontre.", code="rendezvous_not_started"
        )
    existing = FollowUp.objects.filter(rendezvous=rendezvous, side=side).first()
    if existing is not None:
        return existing, FollowUp.objects.filter(rendezvous=rendezvous).count() == 2
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(rendezvous=rendezvous, side=side)
    except IntegrityError:  # the same click, twice at once
        follow_up = FollowUp.objects.get(rendezvous=rendezvous, side=side)
        return follow_up, FollowUp.objects.filter(rendezvous=rendezvous).count() == 2
    mutual = FollowUp.objects.filter(rendezvous=rendezvous).count() == 2
    _tell_follow_up(rendezvous, side=side, other=other, mutual=mutual)
    return follow_up, mutual


def _tell_follow_up(rendezvous: Rendezvous, *, side: str, other: User | None, mutual: bool) -> None:
    meeting, pro = rendezvous.meeting, rendezvous.pro
    young = _pseudo(rendezvous.user)
    event = meeting.offer.title
    if other is not None and other.is_active:
        if side == FollowUpSide.YOUTH:
            tell(
                user=other,
                title=f"{young} aimerait vous revoir",
                body=f"Après « {event} », {young} aimerait vous revoir."
                + (" Vous le souhaitiez aussi." if mutual else "")
                + " Le conseiller ou la conseillère référent·e organise la suite.",
                link=f"/staff/adopte-un-pro/{meeting.pk}/",
            )
        else:
            tell(
                user=other,
                title=f"{pro.display_name} aimerait te revoir",
                body=f"Après « {event} », {pro.display_name} ({pro.job_title}) aimerait te revoir."
                + (" Tu le souhaitais aussi !" if mutual else "")
                + " Ton conseiller ou ta conseillère te recontacte pour organiser ça.",
                link=f"/adopte-un-pro/{meeting.pk}/",
            )
    referent = meeting.referent
    if referent is not None and referent.user_id and referent.user.is_active:
        who = young if side == FollowUpSide.YOUTH else pro.display_name
        tell(
            user=referent.user,
            title=f"Adopte un pro : {who} demande à se revoir",
            body=f"« {event} » : {young} et {pro.display_name} ({pro.job_title}). "
            + ("Les deux le souhaitent." if mutual else f"Demandé par {who}.")
            + " Organise la suite avec eux.",
            link=f"/staff/adopte-un-pro/{meeting.pk}/",
        )


def forget_user(*, user: User) -> None:
    """Erasure: their choices and follow-ups go; a rendezvous stays, anonymous; a pro's
    tables go with their account."""
    Choice.objects.filter(user=user).delete()
    FollowUp.objects.filter(rendezvous__user=user, side=FollowUpSide.YOUTH).delete()
    Rendezvous.objects.filter(user=user).update(user=None)
    Pro.objects.filter(user=user).delete()
