"""What matching knows about a young person: the engine's facts plus preferences and place.

Built from the DESIGN.md profile shape, whether it comes from a saved YouthProfile, an anonymous
session, or the body of `POST /api/v1/rights/evaluate/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared_apps.accounts.models import User
from tenants.models import City

from .eligibility import Profile, age_on

SESSION_KEY = "matching_profile"


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


def match_profile_from_dict(data: Mapping[str, Any], *, today: date, city: City) -> MatchProfile:
    """From the DESIGN.md profile shape (already validated)."""
    from tenant_apps.youth.models import Neighbourhood
    from tenant_apps.youth.selectors import profile_for_engine

    neighbourhood = None
    if data.get("neighbourhood"):
        neighbourhood = Neighbourhood.objects.filter(code=data["neighbourhood"]).first()
    return _match_profile(
        profile_for_engine(data, today, city_insee=city.insee), data, neighbourhood
    )


def match_profile_from_row(row, *, today: date, city: City) -> MatchProfile:
    """From a stored YouthProfile (with user and neighbourhood selected)."""
    from tenant_apps.youth.selectors import profile_as_dict, profile_for_engine

    data = profile_as_dict(row)
    return _match_profile(
        profile_for_engine(row, today, city_insee=city.insee), data, row.neighbourhood
    )


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
    from tenant_apps.youth.selectors import profile_get

    profile = profile_get(user=user)
    if profile is None:
        return match_profile_from_dict({}, today=today, city=city)
    return match_profile_from_row(profile, today=today, city=city)


def match_profile_for_request(request, *, today: date, city: City) -> MatchProfile:
    """Signed in: the saved profile; anonymous: what they told us in this session."""
    if request.user.is_authenticated:
        return match_profile_for_user(user=request.user, today=today, city=city)
    return match_profile_from_dict(request.session.get(SESSION_KEY, {}), today=today, city=city)
