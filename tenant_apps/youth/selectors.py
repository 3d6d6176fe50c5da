"""Reads for young people's profiles, neighbourhoods and consents (current city schema)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from kernel.clock import age_on

from shared_apps.accounts.models import User

from .choices import MIN_AGE
from .exports import export_sections
from .models import Consent, Neighbourhood, YouthProfile

# Fields of the DESIGN.md profile shape, plus our extras, in output order.
PROFILE_FIELDS = (
    "birth_date",
    "situation",
    "diploma_level",
    "commune_insee",
    "postal_code",
    "neighbourhood",
    "interests",
    "freins",
    "has_driving_licence",
    "boursier",
    "looking_for",
    "facts",
)


def profile_get(*, user: User) -> YouthProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    profile = YouthProfile.objects.select_related("neighbourhood").filter(user=user).first()
    if profile is not None:
        profile.user = user  # the caller's own row: reading profile.user costs no second query
    return profile


def is_old_enough(birth_date: date, today: date) -> bool:
    return age_on(birth_date, today) >= MIN_AGE


def neighbourhood_list() -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.all()


def _euros(value) -> float | None:
    return None if value is None else float(value)


def profile_as_dict(profile: YouthProfile) -> dict[str, Any]:
    """The DESIGN.md profile shape (empty answers as null), plus `is_qpv` and `display_name`."""
    return {
        "birth_date": profile.birth_date.isoformat() if profile.birth_date else None,
        "situation": profile.situation or None,
        "diploma_level": profile.diploma_level or None,
        "commune_insee": profile.commune_insee or None,
        "postal_code": profile.postal_code or None,
        "neighbourhood": profile.neighbourhood.code if profile.neighbourhood else None,
        "is_qpv": profile.is_qpv,
        "interests": list(profile.interests),
        "freins": list(profile.freins),
        "has_driving_licence": profile.has_driving_licence,
        "boursier": profile.boursier,
        "looking_for": list(profile.looking_for),
        "net_income_monthly": _euros(profile.net_income_monthly),
        "housing_status": profile.housing_status or None,
        "rent_monthly": _euros(profile.rent_monthly),
        "lives_with_partner": profile.lives_with_partner,
        "facts": dict(profile.facts or {}),
        "display_name": profile.user.display_name,
    }


def consent_as_dict(consent: Consent) -> dict[str, Any]:
    return {
        "kind": consent.kind,
        "version": consent.version,
        "given_at": consent.given_at.isoformat(),
        "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
    }


def consent_list(*, user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).order_by("given_at", "id")


def consent_active(*, user: User, kind: str) -> Consent | None:
    return Consent.objects.filter(user=user, kind=kind, withdrawn_at=None).first()


def user_data_export(*, user: User) -> dict[str, Any]:
    """Everything the city keeps about this user, one section per registered app."""
    return {name: fn(user) for name, fn in export_sections().items()}
