"""Who may do what in a city's catalogue (roles from shared_apps.accounts.models.Role)."""

from __future__ import annotations

from kernel.errors import PermissionDenied

from shared_apps.accounts.models import Role

EDITORS = (Role.ADMIN, Role.EDITOR)
WRITERS = (Role.ADMIN, Role.EDITOR, Role.PARTNER)
READERS = (Role.ADMIN, Role.EDITOR, Role.PARTNER, Role.VIEWER)


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


def require(allowed: bool, message: str = "Ton rôle ne permet pas cette action.") -> None:
    if not allowed:
        raise PermissionDenied(message)
