"""Data rights registries: what each app exports for a young person, and how it forgets them.

Apps that keep personal data about a user register here (e.g. in their AppConfig.ready()):

    from tenant_apps.youth.exports import register_export, register_erasure
    register_export("saves", lambda user: [...])          # JSON-ready data of this user
    register_erasure("saves", lambda user: ...)           # delete or anonymise before the user goes

Exports run in the current city schema; erasure hooks run inside the deletion's transaction,
before the user row is deleted, so rows kept for aggregates can drop their link to the user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ExportFn = Callable[[Any], Any]
EraseFn = Callable[[Any], None]

_exports: dict[str, ExportFn] = {}
_erasures: dict[str, EraseFn] = {}


def register_export(name: str, fn: ExportFn) -> None:
    """Add (or replace) the `name` section of a user's data export."""
    _exports[name] = fn


def register_erasure(name: str, fn: EraseFn) -> None:
    """Add (or replace) a hook that deletes or anonymises a user's data in another app."""
    _erasures[name] = fn


def export_sections() -> dict[str, ExportFn]:
    return dict(_exports)


def erasure_hooks() -> dict[str, EraseFn]:
    return dict(_erasures)


def _account(user) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "api_tokens": [
            {"prefix": t.prefix, "created_at": t.created_at.isoformat()}
            for t in user.api_tokens.order_by("created_at")
        ],
    }


def _profile(user) -> dict | None:
    from .selectors import profile_as_dict, profile_get

    profile = profile_get(user=user)
    if profile is None:
        return None
    return {
        **profile_as_dict(profile),
        "email_verified_at": (
            profile.email_verified_at.isoformat() if profile.email_verified_at else None
        ),
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
    }


def _consents(user) -> list[dict]:
    from .selectors import consent_as_dict

    return [consent_as_dict(c) for c in user.consents.order_by("given_at", "id")]


def _erase_own_rows(user) -> None:
    from .models import Consent, YouthProfile

    Consent.objects.filter(user=user).delete()
    YouthProfile.objects.filter(user=user).delete()


register_export("account", _account)
register_export("profile", _profile)
register_export("consents", _consents)
register_erasure("youth", _erase_own_rows)
