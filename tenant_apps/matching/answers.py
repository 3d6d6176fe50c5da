"""Who is asking « Mes droits », and where their answers are kept.

A signed-in young person's answers live in their profile; an anonymous visitor's in the session
(SESSION_KEY, the DESIGN.md profile shape), until sign-up carries them into the new account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tenant_apps.youth.selectors import profile_as_dict, profile_get
from tenant_apps.youth.services import profile_update
from tenants.models import City

from .models import RightClaim
from .profiles import SESSION_KEY, MatchProfile, match_profile_from_dict, match_profile_from_row


@dataclass(frozen=True)
class Person:
    data: dict[str, Any]  # the DESIGN.md profile shape
    profile: MatchProfile
    claimed: frozenset


def person_for_request(request, *, city: City, today: date) -> Person:
    """The signed-in person's saved profile and claims, or the visitor's session answers."""
    user = request.user
    if user.is_authenticated:
        row = profile_get(user=user)
        claimed = frozenset(RightClaim.objects.filter(user=user).values_list("offer_id", flat=True))
        if row is not None:
            profile = match_profile_from_row(row, today=today, city=city)
            return Person(profile_as_dict(row), profile, claimed)
        return Person({}, match_profile_from_dict({}, today=today, city=city), claimed)
    data = dict(request.session.get(SESSION_KEY) or {})
    return Person(data, match_profile_from_dict(data, today=today, city=city), frozenset())


def merge_answers(current: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """`current` with the `new` answers on top; extra facts are merged, not replaced."""
    merged = {**current, **new}
    if "facts" in new:
        merged["facts"] = {**(current.get("facts") or {}), **(new.get("facts") or {})}
    return merged


def _session_safe(data: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-serialisable answers (the session is JSON)."""
    safe = {}
    for key, value in data.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = float(value)
        safe[key] = value
    return safe


def answers_save(request, data: Mapping[str, Any]) -> None:
    """Keep validated answers: in the profile when signed in (raises ValidationFailed), in the
    session otherwise."""
    user = request.user
    if user.is_authenticated and user.is_youth:
        if "facts" in data:
            row = profile_get(user=user)
            data = merge_answers({"facts": dict(row.facts or {}) if row else {}}, data)
        profile_update(user=user, data=dict(data))
        return
    current = request.session.get(SESSION_KEY) or {}
    request.session[SESSION_KEY] = _session_safe(merge_answers(current, data))
