"""What matching knows about a young person: the engine's facts plus preferences and place.

Built from the DESIGN.md profile shape, whether it comes from a saved YouthProfile, an anonymous
session, or the body of `POST /api/v1/rights/evaluate/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kernel.clock import age_on

from shared_apps.accounts.models import User
from shared_apps.geo.communes import commune_get
from tenant_apps.youth.choices import ANONYMOUS_ANSWERS_KEY, HOUSING_OCCUPATION
from tenant_apps.youth.models import Neighbourhood, YouthProfile
from tenant_apps.youth.selectors import profile_as_dict, profile_get
from tenants.models import City

from .eligibility import Profile

# Where a visitor's answers wait in the session (youth's sign-up adopts them).
SESSION_KEY = ANONYMOUS_ANSWERS_KEY


@dataclass(frozen=True)
class MatchProfile:
    engine: Profile
    interests: frozenset[str] = frozenset()
    freins: frozenset[str] = frozenset()
    looking_for: frozenset[str] = frozenset()
    has_driving_licence: bool | None = None
    is_qpv: bool | None = None
    home: tuple[float, float] | None = None  # the neighbourhood's centroid
    diploma_level: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def age(self) -> int | None:
        if self.engine.birth_date is None:
            return None
        return age_on(self.engine.birth_date, self.engine.today)

    @property
    def needs_nearby(self) -> bool:
        """Mobility is hard: nearer (or remote) offers matter more."""
        return "mobilite" in self.freins or self.has_driving_licence is False


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
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
        birth_date=_date(data.get("birth_date")),
        situation=_text(data.get("situation")),
        commune_insee=commune.insee if commune else None,
        postal_code=_text(data.get("postal_code")),
        departement=commune.departement if commune else None,
        region=commune.region if commune else None,
        epci=(commune.epci or None) if commune else None,
        boursier=boursier if isinstance(boursier, bool) else None,
        facts=facts,
    )


def match_profile_from_dict(data: Mapping[str, Any], *, today: date, city: City) -> MatchProfile:
    """From the DESIGN.md profile shape (already validated)."""
    neighbourhood = None
    if data.get("neighbourhood"):
        neighbourhood = Neighbourhood.objects.filter(code=data["neighbourhood"]).first()
    home = _home_commune(city, neighbourhood)
    return _match_profile(profile_for_engine(data, today, city_insee=home), data, neighbourhood)


def match_profile_from_row(row, *, today: date, city: City) -> MatchProfile:
    """From a stored YouthProfile (with user and neighbourhood selected)."""
    data = profile_as_dict(row)
    home = _home_commune(city, row.neighbourhood)
    return _match_profile(profile_for_engine(row, today, city_insee=home), data, row.neighbourhood)


def _home_commune(city: City, neighbourhood) -> str | None:
    """The commune a quartier implies: the city's own, or in a territory the quartier's."""
    if not city.is_territory:
        return city.insee
    return (neighbourhood.commune_insee or None) if neighbourhood is not None else None


def _match_profile(engine: Profile, data: Mapping[str, Any], neighbourhood) -> MatchProfile:
    home = None
    if neighbourhood is not None and neighbourhood.latitude is not None:
        home = (neighbourhood.latitude, neighbourhood.longitude)
    return MatchProfile(
        engine=engine,
        interests=frozenset(data.get("interests") or []),
        freins=frozenset(data.get("freins") or []),
        looking_for=frozenset(data.get("looking_for") or []),
        has_driving_licence=data.get("has_driving_licence"),
        is_qpv=neighbourhood.is_qpv if neighbourhood is not None else None,
        home=home,
        diploma_level=data.get("diploma_level") or None,
    )


def match_profile_for_user(*, user: User, today: date, city: City) -> MatchProfile:
    """The saved profile of a signed-in young person (an empty one if they skipped it)."""
    profile = profile_get(user=user)
    if profile is None:
        return match_profile_from_dict({}, today=today, city=city)
    return match_profile_from_row(profile, today=today, city=city)


def match_profile_for_request(request, *, today: date, city: City) -> MatchProfile:
    """Signed in: the saved profile; anonymous: what they told us in this session."""
    if request.user.is_authenticated:
        return match_profile_for_user(user=request.user, today=today, city=city)
    return match_profile_from_dict(request.session.get(SESSION_KEY, {}), today=today, city=city)
