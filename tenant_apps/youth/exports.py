"""Data rights registries: what each app exports for a young person, and how it forgets them.

Apps that keep personal data about a user register here (e.g. in their AppConfig.ready()),
naming the tables (``app_label.Model``) each section covers:

    from tenant_apps.youth.exports import register_export, register_erasure
    register_export("saves", lambda user: [...], tables=["portal.Save"])  # JSON-ready data
    register_erasure("portal", lambda user: ..., tables=["portal.Save"])  # delete or anonymise

Exports run in the current city schema; erasure hooks run inside the deletion's transaction,
before the user row is deleted, so rows kept for aggregates can drop their link to the user.
A test walks every model of a city schema with a link to the user model and checks that some
export section and some erasure hook name it: a new table about people cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

ExportFn = Callable[[Any], Any]
EraseFn = Callable[[Any], None]
# Second factors of staff accounts (django-otp), where installed.
TWO_FACTOR_DEVICES = ("otp_totp.TOTPDevice", "otp_static.StaticDevice")


@dataclass(frozen=True)
class Registered:
    """A registered section or hook: called with the user; knows the tables it covers."""

    fn: Callable[[Any], Any]
    tables: frozenset[str] = frozenset()

    def __call__(self, user) -> Any:
        return self.fn(user)


_exports: dict[str, Registered] = {}
_erasures: dict[str, Registered] = {}


def register_export(name: str, fn: ExportFn, *, tables: Iterable[str] = ()) -> None:
    """Add (or replace) the `name` section of a user's data export; `tables` are the models
    (``app_label.Model``) whose rows about the user it holds."""
    _exports[name] = Registered(fn, frozenset(tables))


def register_erasure(name: str, fn: EraseFn, *, tables: Iterable[str] = ()) -> None:
    """Add (or replace) a hook that deletes or anonymises a user's data in another app;
    `tables` are the models whose rows about the user it removes or unlinks."""
    _erasures[name] = Registered(fn, frozenset(tables))


def export_sections() -> dict[str, ExportFn]:
    return dict(_exports)


def erasure_hooks() -> dict[str, EraseFn]:
    return dict(_erasures)


def export_tables() -> dict[str, frozenset[str]]:
    """Section name → the tables it covers."""
    return {name: getattr(fn, "tables", frozenset()) for name, fn in _exports.items()}


def erasure_tables() -> dict[str, frozenset[str]]:
    """Erasure hook name → the tables it removes or unlinks."""
    return {name: getattr(fn, "tables", frozenset()) for name, fn in _erasures.items()}


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
        "invitations": [
            {
                "created_at": i.created_at.isoformat(),
                "expires_at": i.expires_at.isoformat(),
                "used_at": i.used_at.isoformat() if i.used_at else None,
            }
            for i in user.invitations.order_by("created_at", "pk")
        ],
    }


def _journal(user) -> list[dict]:
    """What this person did in the staff back-office (staff accounts; a young person has none)."""
    from tenant_apps.audit.models import StaffAuditEntry

    return [
        {
            "action": entry.action,
            "object": entry.object_label,
            "at": entry.created_at.isoformat(),
        }
        for entry in StaffAuditEntry.objects.filter(actor=user).order_by("created_at", "pk")
    ]


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


def _staff_work(user) -> dict:
    """A staff account's own rows below this app: the structures a partner belongs to, the
    offers the person wrote, their second-factor devices (names only, never secrets)."""
    from tenant_apps.catalogue.models import Offer, PartnerMembership

    data: dict = {
        "partner_structures": [
            m.structure.name
            for m in PartnerMembership.objects.filter(user=user).select_related("structure")
        ],
        "offers_written": [
            {"title": o.title, "kind": o.kind, "status": o.status}
            for o in Offer.objects.filter(created_by=user).order_by("created_at", "pk")
        ],
        "second_factor_devices": [],
    }
    for model in installed_models(TWO_FACTOR_DEVICES):
        data["second_factor_devices"] += [
            {"kind": model._meta.model_name, "name": d.name, "confirmed": d.confirmed}
            for d in model.objects.filter(user=user).order_by("pk")
        ]
    return data


def installed_models(labels: Iterable[str]):
    """The models of these labels that are installed here (django-otp may not be)."""
    from django.apps import apps

    for label in labels:
        try:
            yield apps.get_model(label)
        except LookupError:  # the app is not installed here
            continue


def _erase_own_rows(user) -> None:
    from shared_apps.accounts.models import ApiToken, Invitation
    from tenant_apps.audit.models import StaffAuditEntry
    from tenant_apps.catalogue.models import Offer, PartnerMembership

    from .models import Consent, YouthProfile

    Consent.objects.filter(user=user).delete()
    YouthProfile.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user).delete()
    StaffAuditEntry.objects.filter(actor=user).update(actor=None, actor_email="")
    PartnerMembership.objects.filter(user=user).delete()
    Offer.objects.filter(created_by=user).update(created_by=None)
    for model in installed_models(TWO_FACTOR_DEVICES):
        model.objects.filter(user=user).delete()


register_export("account", _account, tables=["accounts.ApiToken", "accounts.Invitation"])
register_export("profile", _profile, tables=["youth.YouthProfile"])
register_export("consents", _consents, tables=["youth.Consent"])
register_export("journal", _journal, tables=["audit.StaffAuditEntry"])
register_export(
    "staff_work",
    _staff_work,
    tables=["catalogue.PartnerMembership", "catalogue.Offer", *TWO_FACTOR_DEVICES],
)
register_erasure(
    "youth",
    _erase_own_rows,
    tables=[
        "youth.Consent", "youth.YouthProfile", "accounts.ApiToken", "accounts.Invitation",
        "audit.StaffAuditEntry", "catalogue.PartnerMembership", "catalogue.Offer",
        *TWO_FACTOR_DEVICES,
    ],
)  # fmt: skip
