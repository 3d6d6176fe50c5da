"""Who may do what in a city's catalogue (roles from shared_apps.accounts.models.Role).

Partners are confined to their structures (PartnerMembership): they see and edit only the
offers of their structures (and the ones they wrote for no structure), and may only send
them for review.
Advisors have no part in the catalogue's back-office (they keep their own agenda).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from kernel.errors import PermissionDenied

from shared_apps.accounts.models import Role

EDITORS = (Role.ADMIN, Role.EDITOR)
WRITERS = (Role.ADMIN, Role.EDITOR, Role.PARTNER)
READERS = (Role.ADMIN, Role.EDITOR, Role.PARTNER, Role.VIEWER)

# What a partner keeps current on its structure's page (the rest is the city's to edit).
PARTNER_STRUCTURE_FIELDS = (
    "places_available",
    "opening_hours",
    "description",
    "phone",
    "email",
    "website",
)


def _role(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def can_read(user) -> bool:
    return _role(user) in READERS


def can_write(user) -> bool:
    """Create offers, edit drafts, submit for review."""
    return _role(user) in WRITERS


def can_publish(user) -> bool:
    """Publish, archive, edit anything, manage the national catalogue and imports."""
    return _role(user) in EDITORS


can_review = can_publish  # approve or reject what partners send for review


def is_partner(user) -> bool:
    return _role(user) == Role.PARTNER


def can_edit_structures(user) -> bool:
    """Editors edit every structure; a partner keeps its own structures' pages current."""
    return can_publish(user) or is_partner(user)


def partner_structure_ids(user) -> set:
    """The ids of the structures `user` belongs to as a partner (empty for other roles)."""
    from .models import PartnerMembership

    if not is_partner(user):
        return set()
    return set(PartnerMembership.objects.filter(user=user).values_list("structure_id", flat=True))


def offers_visible_to(user, offers: QuerySet) -> QuerySet:
    """`offers` narrowed to what `user` may see in the back-office: everything for the city's
    team; for a partner, its structures' offers and those it wrote for no structure; nothing
    for anyone else."""
    if not can_read(user):
        return offers.none()
    if not is_partner(user):
        return offers
    return offers.filter(
        Q(structure_id__in=partner_structure_ids(user))
        | Q(structure__isnull=True, created_by_id=user.pk)
    )


def structures_visible_to(user, structures: QuerySet) -> QuerySet:
    if not can_read(user):
        return structures.none()
    if not is_partner(user):
        return structures
    return structures.filter(pk__in=partner_structure_ids(user))


def can_edit_offer(user, offer) -> bool:
    """May `user` edit (or send for review) this offer at all? Role rules on the status apply
    on top (services.offer_update)."""
    if can_publish(user):
        return True
    if not is_partner(user):
        return False
    if offer.structure_id is not None:
        return offer.structure_id in partner_structure_ids(user)
    return offer.created_by_id is not None and offer.created_by_id == user.pk


def can_edit_structure(user, structure) -> bool:
    if can_publish(user):
        return True
    return is_partner(user) and structure.pk in partner_structure_ids(user)


def require(allowed: bool, message: str = "Ton rôle ne permet pas cette action.") -> None:
    if not allowed:
        raise PermissionDenied(message)
