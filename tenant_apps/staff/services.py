"""The city's team: invite a member with a role, resend the invitation, change the role, attach
a partner to its structures, deactivate (sessions and tokens revoked at once). Every action is
the city admin's, audited, and the city always keeps an admin who can sign in.

`by` is the city's admin (a User), or a str naming an operator's command (`invite_staff`): it
runs on the server, for one city, through tenants.crosscity.run_in_city.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from shared_apps.accounts.models import STAFF_ROLES, Role, User
from shared_apps.accounts.services import (
    invitation_create,
    invitation_email_send,
    user_create,
    user_deactivate,
)
from tenant_apps.audit.services import audit_record
from tenant_apps.catalogue.models import PartnerMembership
from tenant_apps.catalogue.services import partner_structures_set
from tenants.models import City, build_url

# Roles an admin gives, in the order the team page offers them.
TEAM_ROLES = (Role.ADMIN, Role.EDITOR, Role.VIEWER, Role.PARTNER, Role.ADVISOR)
assert set(TEAM_ROLES) == set(STAFF_ROLES)


@dataclass(frozen=True)
class Invited:
    member: User
    link: str  # the one-time invitation link, also e-mailed (after commit)


def _require_admin(by) -> None:
    if isinstance(by, str):
        return  # an operator's command
    if not (getattr(by, "is_authenticated", False) and by.is_active and by.is_city_admin):
        raise PermissionDenied("Seul un administrateur de la ville gère l'équipe.")


def _team_role(role: str) -> str:
    if role not in TEAM_ROLES:
        labels = ", ".join(TEAM_ROLES)
        raise ValidationFailed(
            f"Rôle inconnu : « {role} » (attendu : {labels}).",
            fields={"role": [f"Choisis parmi : {labels}."]},
        )
    return role


def _member_or_404(member: User) -> User:
    if member.role not in TEAM_ROLES:
        raise NotFound("Cette personne ne fait pas partie de l'équipe.")
    return member


def _role_label(role: str) -> str:
    return str(Role(role).label)


def _locked_admins() -> list[User]:
    """Every active admin of the city, locked: two admins demoting each other at once are
    served one after the other, and the second is told there would be no admin left."""
    return list(
        User.objects.select_for_update().filter(role=Role.ADMIN, is_active=True).order_by("pk")
    )


def _lock(member: User) -> User:
    """The member's row, locked after every admin's (always in that order: two admins changing
    each other at once wait for one another instead of deadlocking)."""
    _locked_admins()
    return _member_or_404(User.objects.select_for_update().get(pk=member.pk))


def _require_another_admin(member: User) -> None:
    """`member` is about to stop being an active admin: another one who can sign in must stay."""
    if member.role != Role.ADMIN:
        return
    others = [a for a in _locked_admins() if a.pk != member.pk and a.has_usable_password()]
    if not others:
        raise Conflict(
            "La ville doit garder au moins un administrateur actif : "
            "nomme d'abord quelqu'un d'autre administrateur.",
            code="last_admin",
        )


def _send_invitation(*, city: City, member: User, by) -> str:
    _invitation, secret = invitation_create(user=member)
    link = build_url(city.primary_host, f"/invitation/{secret}/")
    intro = (
        f"Tu es invité·e à rejoindre l'équipe Tremplin de {city.name} "
        f"({_role_label(member.role).lower()})."
    )
    email = member.email
    transaction.on_commit(
        lambda: invitation_email_send(email=email, link=link, city_name=city.name, intro=intro)
    )
    return link


def _set_structures(*, member: User, structures: Iterable | None, by) -> None:
    """A partner belongs to one or more structures; other roles to none."""
    if member.role == Role.PARTNER:
        if structures is None:
            if PartnerMembership.objects.filter(user=member).exists():
                return
            structures = []
        structures = list(structures)
        if not structures:
            raise ValidationFailed(
                "Un partenaire est rattaché à au moins une structure.",
                fields={"structures": ["Choisis au moins une structure."]},
            )
        partner_structures_set(user=member, structure_ids=structures, by=by)
        return
    if structures:
        raise ValidationFailed(
            "Seuls les partenaires sont rattachés à des structures.",
            fields={"structures": ["Réservé au rôle partenaire."]},
        )
    if PartnerMembership.objects.filter(user=member).exists():
        partner_structures_set(user=member, structure_ids=[], by=by)


@transaction.atomic
def member_invite(*, city: City, email: str, role: str, structures: Iterable = (), by) -> Invited:
    """Invite someone into the team with a role; they choose a password with a one-time link.

    A deactivated member invited again comes back with the new role (and a new password).
    Raises Conflict if the address is an active member's or a young person's."""
    _require_admin(by)
    role = _team_role(role)
    normalized = (email or "").strip().lower()
    member = User.objects.select_for_update().filter(email=normalized).first()
    if member is None:
        member = user_create(email=normalized, role=role)
        before = None
    elif member.role not in TEAM_ROLES:
        raise Conflict(
            "Cette adresse est celle d'un compte jeune : invite une autre adresse.",
            code="email_taken",
            fields={"email": ["Déjà utilisée par un compte jeune."]},
        )
    elif member.is_active:
        raise Conflict(
            "Cette personne fait déjà partie de l'équipe.",
            code="already_member",
            fields={"email": ["Déjà dans l'équipe."]},
        )
    else:
        before = member.role
        member.role, member.is_active = role, True
        member.set_unusable_password()
        member.save(update_fields=["role", "is_active", "password"])
    _set_structures(member=member, structures=structures, by=by)
    link = _send_invitation(city=city, member=member, by=by)
    audit_record(
        actor=by,
        action="member.invite",
        obj=member,
        label=member.email,
        diff={"role": [before, role]},
    )
    return Invited(member=member, link=link)


@transaction.atomic
def member_invitation_resend(*, city: City, member: User, by) -> str:
    """A fresh one-time link for someone who has not chosen a password yet (older links die)."""
    _require_admin(by)
    _member_or_404(member)
    if not member.is_active:
        raise Conflict("Ce compte est désactivé : invite à nouveau cette adresse.", code="inactive")
    if member.has_usable_password():
        raise Conflict(
            "Cette personne a déjà choisi son mot de passe (elle peut utiliser « Mot de passe "
            "oublié »).",
            code="already_accepted",
        )
    link = _send_invitation(city=city, member=member, by=by)
    audit_record(actor=by, action="member.invitation", obj=member, label=member.email)
    return link


@transaction.atomic
def member_update(
    *, member: User, by, role: str | None = None, structures: Iterable | None = None
) -> User:
    """Change a member's role and, for a partner, its structures. Takes effect at once."""
    _require_admin(by)
    member = _lock(_member_or_404(member))
    if role is not None and role != member.role:
        role = _team_role(role)
        if role != Role.ADMIN:
            _require_another_admin(member)
        old = member.role
        member.role = role
        member.save(update_fields=["role"])
        audit_record(
            actor=by,
            action="member.role",
            obj=member,
            label=member.email,
            diff={"role": [old, role]},
        )
    _set_structures(member=member, structures=structures, by=by)
    return member


@transaction.atomic
def member_deactivate(*, member: User, by) -> User:
    """Close a member's access now: sessions and API tokens stop working on their next use."""
    _require_admin(by)
    member = _lock(_member_or_404(member))
    if not member.is_active:
        return member
    _require_another_admin(member)
    user_deactivate(user=member)
    audit_record(actor=by, action="member.deactivate", obj=member, label=member.email)
    return member
