"""Everything a city offers, flattened for matching and cached per process.

Matching a young person reads every published offer visible in the city (local + national, not
hidden). Loading them is the slow part, and it is the same for everyone in the city, so the list
is kept in memory per city and rebuilt when the catalogue changes (a generation number in Redis,
bumped by signals on every catalogue write) or after CANDIDATES_TTL seconds.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.models import Offer, OfferKind
from tenant_apps.catalogue.selectors import OfferFilters, offer_list_for_city
from tenants.cache import platform_cache
from tenants.models import City

from .eligibility import Institution

# Platform-wide: a national offer changed in public invalidates every city's candidates.
GENERATION_KEY = "matching:catalogue:generation"
CANDIDATES_TTL = 300
MAX_CITIES_CACHED = 64


@dataclass(frozen=True, slots=True)
class Candidate:
    id: uuid.UUID
    kind: str
    title: str
    summary: str
    themes: tuple[str, ...]
    is_national: bool
    pinned: bool
    eligibility: dict
    institution: Institution | None
    institution_name: str
    amount_value: Decimal | None
    amount_unit: str
    amount_legend: str
    periodicity: str
    age_min: int | None
    age_max: int | None
    situations: tuple[str, ...]
    qpv_only: bool
    qpv_priority: bool
    latitude: float | None
    longitude: float | None
    is_remote: bool
    starts_at: datetime | None
    ends_at: datetime | None
    apply_by: date | None
    published_at: datetime | None
    capacity: int | None
    places_available: int | None
    commune_insee: str
    # Offers often share their rules (same ages, same situations): matching evaluates each
    # distinct rule set once per person, keyed by this canonical form.
    rules_key: str = ""
    verdict_key: str = ""  # rules_key + institution: the memo key of an evaluation
    theme_keys: frozenset[str] = frozenset()  # themes and their categories

    @property
    def kind_label(self) -> str:
        return str(OfferKind(self.kind).label) if self.kind in OfferKind.values else self.kind


def _institution(offer, city: City) -> Institution | None:
    """The territory of who grants the aid, for `attached_to_institution`."""
    kind = (offer.institution_type or "").lower()
    if isinstance(offer, Offer):
        return Institution("commune", city.insee)
    codes = {
        "region": offer.region_codes,
        "departement": offer.departement_codes,
        "epci": offer.epci_codes,
        "commune": offer.commune_codes,
    }
    if offer.scope == "national" or kind == "national":
        return Institution("national")
    for level in ("commune", "epci", "departement", "region"):
        if (kind == level or offer.scope.startswith(level[:6])) and codes[level]:
            return Institution(level, str(codes[level][0]))
    return None


def effective_rules(offer, rules: dict) -> dict:
    """The offer's eligibility rules plus what its audience fields say (age, situations, QPV)."""
    extra = []
    if offer.age_min is not None:
        extra.append({"type": "age", "operator": ">=", "value": offer.age_min})
    if offer.age_max is not None:
        extra.append({"type": "age", "operator": "<=", "value": offer.age_max})
    if offer.situations:
        extra.append({"type": "situation", "values": list(offer.situations)})
    if offer.qpv_only:
        extra.append({"type": "qpv"})
    if not extra:
        return rules or {}
    merged = dict(rules or {})
    merged["conditions_generales"] = [*(merged.get("conditions_generales") or []), *extra]
    return merged


def _build(city: City) -> tuple[Candidate, ...]:
    hits = offer_list_for_city(filters=OfferFilters(), city=city)[0:None]
    local_ids = [h.offer.pk for h in hits if not h.is_national]
    national_ids = [h.offer.pk for h in hits if h.is_national]
    rules = dict(Offer.objects.filter(pk__in=local_ids).values_list("id", "eligibility"))
    rules |= dict(
        NationalOffer.objects.filter(pk__in=national_ids).values_list("id", "eligibility")
    )
    result = []
    for hit in hits:
        offer = hit.offer
        structure = getattr(offer, "structure", None)
        eligibility = effective_rules(offer, rules.get(offer.pk) or {})
        institution = _institution(offer, city)
        rules_key = json.dumps(eligibility, sort_keys=True, default=str)
        result.append(
            Candidate(
                id=offer.pk,
                kind=offer.kind,
                title=offer.title,
                summary=offer.summary,
                themes=tuple(offer.themes or ()),
                is_national=hit.is_national,
                pinned=hit.pinned,
                eligibility=eligibility,
                institution=institution,
                institution_name=offer.institution_name,
                amount_value=offer.amount_value,
                amount_unit=offer.amount_unit,
                amount_legend=offer.amount_legend,
                periodicity=offer.periodicity,
                age_min=offer.age_min,
                age_max=offer.age_max,
                situations=tuple(offer.situations or ()),
                qpv_only=offer.qpv_only,
                qpv_priority=offer.qpv_priority,
                latitude=offer.latitude,
                longitude=offer.longitude,
                is_remote=offer.is_remote,
                starts_at=offer.starts_at,
                ends_at=offer.ends_at,
                apply_by=offer.apply_by,
                published_at=offer.published_at,
                capacity=offer.capacity,
                places_available=structure.places_available if structure else None,
                commune_insee=offer.commune_insee,
                rules_key=rules_key,
                verdict_key=f"{rules_key}|{institution}",
                theme_keys=frozenset(
                    key for t in offer.themes or () for key in (t, t.split("--", 1)[0])
                ),
            )
        )
    return tuple(result)


class CandidateCache:
    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[float, int, tuple[Candidate, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, city: City) -> tuple[Candidate, ...]:
        generation = platform_cache.get(GENERATION_KEY) or 0
        entry = self._entries.get(city.schema_name)
        if entry and entry[1] == generation and time.monotonic() - entry[0] < CANDIDATES_TTL:
            return entry[2]
        candidates = _build(city)
        with self._lock:
            self._entries[city.schema_name] = (time.monotonic(), generation, candidates)
            self._entries.move_to_end(city.schema_name)
            while len(self._entries) > MAX_CITIES_CACHED:
                self._entries.popitem(last=False)
        return candidates

    def invalidate(self) -> None:
        try:
            platform_cache.incr(GENERATION_KEY)
        except ValueError:
            platform_cache.set(GENERATION_KEY, 1, timeout=None)
        with self._lock:
            self._entries.clear()


candidate_cache = CandidateCache()


def candidates_for_city(city: City) -> tuple[Candidate, ...]:
    return candidate_cache.get(city)
