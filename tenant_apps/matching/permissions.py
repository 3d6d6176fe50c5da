"""Who keeps an advisor's agenda: the advisor whose account is linked to the record, and the
city's admins and editors (they manage every advisor). Roles from shared_apps.accounts."""

from __future__ import annotations

from kernel.errors import PermissionDenied

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.permissions import can_publish

# The roles an advisor record may be linked to: an advisor, or an admin or editor who also
# receives young people. Viewers and partners never hold an agenda.
ADVISOR_ACCOUNT_ROLES = (Role.ADVISOR, Role.ADMIN, Role.EDITOR)


def is_advisor(user) -> bool:
    """Opens « Mon agenda »: an advisor account, an editor linked to an advisor record, and
    admins (they open every staff page). Whoever is not linked yet reads whom to ask."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in (Role.ADVISOR, Role.ADMIN):
        return True
    return user.role in ADVISOR_ACCOUNT_ROLES and advisor_of(user) is not None


def advisor_of(user):
    """The advisor record linked to `user`, or None (one query, then cached on the user)."""
    from .models import Advisor

    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_advisor_record"):
        user._advisor_record = Advisor.objects.filter(user_id=user.pk).first()
    return user._advisor_record


def can_keep_agenda(user, advisor) -> bool:
    """`user` may create, cancel and present for `advisor`. `user=None` is the system."""
    if user is None:
        return True
    if can_publish(user):
        return True
    return bool(getattr(user, "is_authenticated", False) and advisor.user_id == user.pk)


def require_agenda_keeper(user, advisor) -> None:
    if not can_keep_agenda(user, advisor):
        raise PermissionDenied(
            "Seul·e le ou la conseiller·ère concerné·e, les administrateurs et les éditeurs "
            "gèrent cet agenda.",
            code="not_your_agenda",
        )
