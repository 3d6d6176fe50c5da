"""Everything a city offers, flattened for matching, cached in Redis and in each process.

Matching a young person reads every published offer visible in the city (local + national, not
hidden). Loading them is the slow part, and it is the same for everyone in the city, so the list
is built once per catalogue generation of the city (tenants.generations: bumped by signals on
every catalogue write in that city, or on the national catalogue for every city), stored in
Redis for every process (a worker that just started reads it instead of rebuilding), and kept
in the process in an LRU bounded by the entries' size, not by a count of cities. After
CANDIDATES_TTL seconds it is rebuilt anyway (offers open and close with time).
"""

from __future__ import annotations

import json
import pickle
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from cachetools import LRUCache
from django.conf import settings

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.models import Offer, OfferKind
from tenant_apps.catalogue.selectors import OfferFilters, offer_list_for_city
from tenants.cache import platform_cache
from tenants.generations import EVERY_CITY, generation_key, generations
from tenants.models import City

from .eligibility import Institution

# The catalogue's generations: one per city, and one for the national catalogue (every city).
CATALOGUE = "catalogue"
GENERATION_KEY = generation_key(CATALOGUE, EVERY_CITY)
CANDIDATES_TTL = 300
# Per process, in bytes of the pickled candidates (about a third of their size in memory):
# 5,000 offers take ~3 MB, a city with the national catalogue only ~0.3 MB.
DEFAULT_PROCESS_BUDGET = 48 * 1024 * 1024


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
        if city.is_territory:  # the territory grants it: any of its communes
            return Institution("communes", " ".join(city.commune_codes))
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


@dataclass(frozen=True, slots=True)
class _Entry:
    built_at: float  # time.time(): comparable between processes
    version: str
    candidates: tuple[Candidate, ...]
    size: int


def _redis_key(schema_name: str, version: str) -> str:
    return f"matching:candidates:{schema_name}:{version}"


class CandidateCache:
    def __init__(self, budget: int | None = None) -> None:
        budget = budget or getattr(
            settings, "TREMPLIN_CANDIDATES_CACHE_BYTES", DEFAULT_PROCESS_BUDGET
        )
        self._entries: LRUCache[str, _Entry] = LRUCache(budget, getsizeof=lambda e: e.size)
        self._lock = threading.Lock()

    def get(self, city: City) -> tuple[Candidate, ...]:
        schema = city.schema_name
        shared = generations.version([(CATALOGUE, schema), (CATALOGUE, EVERY_CITY)])
        # Redis unreachable: this process's copy, for CANDIDATES_TTL at most.
        version = shared or "local"
        with self._lock:
            entry = self._entries.get(schema)
        if entry and entry.version == version and time.time() - entry.built_at < CANDIDATES_TTL:
            return entry.candidates
        entry = self._shared(schema, version) if shared else None
        if entry is None:
            built_at = time.time()
            candidates = _build(city)
            blob = pickle.dumps((built_at, candidates), protocol=pickle.HIGHEST_PROTOCOL)
            entry = _Entry(built_at, version, candidates, len(blob))
            if shared:
                platform_cache.set(_redis_key(schema, version), blob, timeout=CANDIDATES_TTL)
        with self._lock:
            if entry.size <= self._entries.maxsize:
                self._entries[schema] = entry
        return entry.candidates

    def _shared(self, schema: str, version: str) -> _Entry | None:
        """What another process built for this version, when it is still fresh."""
        blob = platform_cache.get(_redis_key(schema, version))
        if not isinstance(blob, bytes):
            return None
        built_at, candidates = pickle.loads(blob)  # noqa: S301 - our own Redis, our own pickle
        if time.time() - built_at >= CANDIDATES_TTL:
            return None
        return _Entry(built_at, version, candidates, len(blob))

    def invalidate(self, schema_name: str | None = None) -> None:
        """Stale candidates for one city (its schema), or for every city (None: the national
        catalogue changed)."""
        generations.bump(CATALOGUE, schema_name or EVERY_CITY)
        with self._lock:
            if schema_name is None:
                self._entries.clear()
            else:
                self._entries.pop(schema_name, None)

    def cached_cities(self) -> int:
        return len(self._entries)


candidate_cache = CandidateCache()


def candidates_for_city(city: City) -> tuple[Candidate, ...]:
    return candidate_cache.get(city)
