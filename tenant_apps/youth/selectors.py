"""Reads for young people's profiles, neighbourhoods and consents (current city schema)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import QuerySet

from shared_apps.accounts.models import User
from shared_apps.geo.communes import commune_get
from tenant_apps.matching.eligibility import Profile, age_on

from .choices import HOUSING_OCCUPATION, MIN_AGE
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
    return YouthProfile.objects.select_related("neighbourhood").filter(user=user).first()


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


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def profile_for_engine(
    source: YouthProfile | Mapping[str, Any] | None,
    today: date,
    *,
    city_insee: str | None = None,
) -> Profile:
    """The eligibility engine's Profile from a stored profile or a DESIGN.md-shaped dict.

    `city_insee`: the commune to assume when only a neighbourhood of that city is known.

    Département, région and EPCI derive from the commune; malformed values count as unknown
    (validate API input before calling this). Freins and the neighbourhood add facts the engine
    can use: `situation_handicap` when a handicap is declared, `qpv` from the neighbourhood.
    """
    if source is None:
        data: Mapping[str, Any] = {}
    elif isinstance(source, YouthProfile):
        data = {**profile_as_dict(source), "is_qpv": source.is_qpv}
    else:
        data = source
    insee = _text(data.get("commune_insee"))
    if insee is None and city_insee and data.get("neighbourhood"):
        insee = city_insee  # a quartier of the city says which commune they live in
    commune = commune_get(insee or "")
    facts = dict(data.get("facts") or {}) if isinstance(data.get("facts"), Mapping) else {}
    freins = data.get("freins") or []
    if isinstance(freins, list) and "handicap" in freins:
        facts.setdefault("situation_handicap", True)
    if isinstance(freins, list) and "logement" in freins:
        facts.setdefault("difficultes_acces_ou_frais_logement", True)
    occupation = HOUSING_OCCUPATION.get(str(data.get("housing_status") or ""))
    if occupation:
        facts.setdefault("statut_occupation_logement", occupation)
    is_qpv = data.get("is_qpv")
    if is_qpv is None and isinstance(data.get("neighbourhood"), str):
        is_qpv = (
            Neighbourhood.objects.filter(code=data["neighbourhood"])
            .values_list("is_qpv", flat=True)
            .first()
        )
    if isinstance(is_qpv, bool):
        facts.setdefault("qpv", is_qpv)
    boursier = data.get("boursier")
    return Profile(
        today=today,
        birth_date=_as_date(data.get("birth_date")),
        situation=_text(data.get("situation")),
        commune_insee=commune.insee if commune else None,
        postal_code=_text(data.get("postal_code")),
        departement=commune.departement if commune else None,
        region=commune.region if commune else None,
        epci=(commune.epci or None) if commune else None,
        boursier=boursier if isinstance(boursier, bool) else None,
        facts=facts,
    )
