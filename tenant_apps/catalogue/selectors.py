"""Reads of a city's catalogue: its published local offers merged with the national catalogue.

One SQL statement unions `catalogue_offer` (the city's schema, first on the search_path) with
`national_nationaloffer` (public), drops national offers the city hid or that cover another
territory, filters, and ranks. Only the page's rows are then loaded as model instances.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from kernel.geo import bounding_box, haversine_sql
from kernel.text import unaccent

from shared_apps.national.models import NationalOffer
from tenants.models import City

from .models import AbstractOffer, NationalOfferSetting, Offer, OfferStatus, StructureService


@dataclass(frozen=True)
class OfferFilters:
    q: str = ""
    kind: str = ""
    theme: str = ""
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    date_from: date | None = None
    date_to: date | None = None
    free_only: bool = False


@dataclass
class OfferHit:
    offer: AbstractOffer
    is_national: bool
    distance_km: float | None = None
    pinned: bool = False
    local_note: str = ""
    rank: float = 0.0


@dataclass
class _Sql:
    text: str
    params: list = field(default_factory=list)


def _current_city(city: City | None) -> City:
    city = city or getattr(connection, "tenant", None)
    if not isinstance(city, City):
        raise RuntimeError("offer_list_for_city needs a city schema (use tenants.context.in_city).")
    return city


def _filters_sql(filters: OfferFilters, alias: str, now: datetime) -> _Sql:
    """WHERE clauses common to local and national offers (without geography of coverage)."""
    a = alias
    clauses = [
        f"{a}.status = %s",
        f"({a}.publish_from IS NULL OR {a}.publish_from <= %s)",
        f"({a}.publish_until IS NULL OR {a}.publish_until > %s)",
        # Past events drop out of the catalogue on their own.
        f"(COALESCE({a}.ends_at, {a}.starts_at) IS NULL OR {a}.kind <> 'evenement' "
        f"OR COALESCE({a}.ends_at, {a}.starts_at) >= %s)",
    ]
    params: list = [OfferStatus.PUBLISHED, now, now, now]
    if filters.q:
        clauses.append(f"{a}.search_vector @@ query.tsq")
    if filters.kind:
        clauses.append(f"{a}.kind = %s")
        params.append(filters.kind)
    if filters.theme:
        # A category code ("mobilite") matches its sub-themes ("mobilite--…").
        clauses.append(
            f"({a}.themes @> %s::jsonb OR EXISTS (SELECT 1 FROM jsonb_array_elements_text("
            f"{a}.themes) t(v) WHERE t.v LIKE %s))"
        )
        params += [f'["{filters.theme}"]', filters.theme.replace("%", "") + "--%"]
    if filters.free_only:
        clauses.append(f"{a}.is_free")
    if filters.date_from or filters.date_to:
        tz = timezone.get_current_timezone()
        start = datetime.combine(filters.date_from or date.min, time.min, tz)
        end = datetime.combine((filters.date_to or date(9998, 12, 31)) + timedelta(1), time.min, tz)
        clauses.append(
            f"({a}.starts_at IS NOT NULL AND {a}.starts_at < %s "
            f"AND COALESCE({a}.ends_at, {a}.starts_at) >= %s)"
        )
        params += [end, start]
    if filters.near and filters.radius_km is not None:
        lat, lon = filters.near
        lat_min, lat_max, lon_min, lon_max = bounding_box(filters.near, filters.radius_km)
        # Offers without coordinates (remote, national aids) stay; located ones must be inside.
        # The bounding box is cheap and index-friendly; the exact distance is checked on top.
        clauses.append(
            f"({a}.latitude IS NULL OR ({a}.latitude BETWEEN %s AND %s "
            f"AND {a}.longitude BETWEEN %s AND %s AND {_distance(a)} <= %s))"
        )
        params += [lat_min, lat_max, lon_min, lon_max, lat, lat, lon]
        params.append(filters.radius_km)
    return _Sql(" AND ".join(clauses), params)


def _distance(a: str) -> str:
    """Haversine distance in km from (%s lat, %s lat, %s lon) to the row; 3 params."""
    return haversine_sql(f"{a}.latitude", f"{a}.longitude")


def _union_sql(filters: OfferFilters, city: City, now: datetime) -> _Sql:
    params: list = []
    query_cte = ""
    if filters.q:
        query_cte = "WITH query AS (SELECT websearch_to_tsquery('french', %s) AS tsq) "
        params.append(unaccent(filters.q))
    from_query = ", query" if filters.q else ""

    def columns(a: str) -> _Sql:
        rank = f"ts_rank({a}.search_vector, query.tsq)" if filters.q else "0"
        if filters.near:
            lat, lon = filters.near
            return _Sql(f"{rank} AS rank, {_distance(a)} AS distance", [lat, lat, lon])
        return _Sql(f"{rank} AS rank, NULL::float AS distance")

    local_cols, local_where = columns("o"), _filters_sql(filters, "o", now)
    national_cols, national_where = columns("n"), _filters_sql(filters, "n", now)
    coverage = (
        "(n.scope = 'national' OR n.region_codes @> %s::jsonb OR n.departement_codes @> %s::jsonb"
        " OR n.epci_codes @> %s::jsonb OR n.commune_codes ?| %s::text[])"
    )
    coverage_params = [f'["{city.region}"]', f'["{city.departement}"]']
    # Any of the territory's communes (jsonb ?| text[]: one of these strings is an element).
    coverage_params += [f'["{city.epci or "-"}"]', list(city.commune_codes)]
    text = (
        f"{query_cte}"
        f"SELECT o.id, false AS is_national, false AS pinned, {local_cols.text}, "
        f"o.published_at FROM catalogue_offer o{from_query} WHERE {local_where.text} "
        "UNION ALL "
        f"SELECT n.id, true, COALESCE(s.pinned, false), {national_cols.text}, n.published_at "
        f"FROM national_nationaloffer n LEFT JOIN catalogue_nationaloffersetting s "
        f"ON s.national_offer_id = n.id{from_query} "
        f"WHERE {national_where.text} AND NOT COALESCE(s.hidden, false) AND {coverage}"
    )
    params += local_cols.params + local_where.params
    params += national_cols.params + national_where.params + coverage_params
    return _Sql(text, params)


def _order_by(filters: OfferFilters) -> str:
    distance = "distance ASC NULLS LAST, " if filters.near else ""
    if filters.q:
        return f"rank DESC, {distance}pinned DESC, is_national, published_at DESC NULLS LAST, id"
    return f"pinned DESC, {distance}is_national, published_at DESC NULLS LAST, id"


class OfferResults:
    """A lazy, sliceable result (what Django's and DRF's paginators expect)."""

    def __init__(self, *, filters: OfferFilters, city: City) -> None:
        self.filters = filters
        self.city = city
        self.now = timezone.now()
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            union = _union_sql(self.filters, self.city, self.now)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({union.text}) AS u", union.params)
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop
        limit = "" if stop is None else f" LIMIT {int(stop) - int(start)}"
        union = _union_sql(self.filters, self.city, self.now)
        sql = f"SELECT * FROM ({union.text}) AS u ORDER BY {_order_by(self.filters)}"
        with connection.cursor() as cursor:
            cursor.execute(f"{sql}{limit} OFFSET {int(start)}", union.params)
            rows = cursor.fetchall()
        return _hydrate(rows)


def _hydrate(rows: list[tuple]) -> list[OfferHit]:
    local_ids = [r[0] for r in rows if not r[1]]
    national_ids = [r[0] for r in rows if r[1]]
    heavy = ("body", "search_document", "search_vector", "eligibility")
    local = (
        Offer.objects.select_related("structure").defer(*heavy).in_bulk(local_ids)
        if local_ids
        else {}
    )
    national = NationalOffer.objects.defer(*heavy).in_bulk(national_ids) if national_ids else {}
    notes = (
        dict(
            NationalOfferSetting.objects.filter(national_offer_id__in=national_ids)
            .exclude(local_note="")
            .values_list("national_offer_id", "local_note")
        )
        if national_ids
        else {}
    )
    hits = []
    for offer_id, is_national, pinned, rank, distance, _published in rows:
        offer = (national if is_national else local).get(offer_id)
        if offer is None:  # deleted between the two queries
            continue
        hits.append(
            OfferHit(
                offer=offer,
                is_national=is_national,
                distance_km=distance,
                pinned=pinned,
                local_note=notes.get(offer_id, ""),
                rank=float(rank or 0),
            )
        )
    return hits


def offer_list_for_city(*, filters: OfferFilters, city: City | None = None) -> OfferResults:
    """Published local offers + published national offers this city did not hide and that cover
    it, pinned first when there is no query, ranked by relevance then distance."""
    return OfferResults(filters=filters, city=_current_city(city))


def offer_get_for_city(*, offer_id: uuid.UUID | str, city: City | None = None) -> OfferHit | None:
    """One published offer visible in this city (local or national), or None."""
    city = _current_city(city)
    try:
        offer_id = uuid.UUID(str(offer_id))
    except ValueError:
        return None
    now = timezone.now()

    def visible(qs):
        return (
            qs.filter(status=OfferStatus.PUBLISHED)
            .exclude(publish_from__gt=now)
            .exclude(publish_until__lte=now)
        )

    offer = visible(Offer.objects.select_related("structure")).filter(pk=offer_id).first()
    if offer is not None:
        return OfferHit(offer=offer, is_national=False)
    national = visible(NationalOffer.objects).filter(pk=offer_id).first()
    if national is None or not _covers(national, city):
        return None
    setting = NationalOfferSetting.objects.filter(national_offer_id=offer_id).first()
    if setting is not None and setting.hidden:
        return None
    return OfferHit(
        offer=national,
        is_national=True,
        pinned=bool(setting and setting.pinned),
        local_note=setting.local_note if setting else "",
    )


def _covers(national: NationalOffer, city: City) -> bool:
    return (
        national.scope == "national"
        or city.region in national.region_codes
        or city.departement in national.departement_codes
        or (city.epci and city.epci in national.epci_codes)
        or any(code in national.commune_codes for code in city.commune_codes)
    )


def event_list_for_city(*, city: City | None = None, days_back: int = 30) -> list[OfferHit]:
    """Published events of this city (local only), recent and upcoming, for the iCal feed."""
    _current_city(city)
    now = timezone.now()
    offers = (
        Offer.objects.filter(status=OfferStatus.PUBLISHED, kind="evenement")
        .exclude(publish_from__gt=now)
        .exclude(publish_until__lte=now)
        .filter(starts_at__gte=now - timedelta(days=days_back))
        .select_related("structure")
        .order_by("starts_at")
    )
    return [OfferHit(offer=o, is_national=False) for o in offers]


@dataclass(frozen=True)
class HowToApply:
    """« Comment faire ma demande »: who grants the offer and the ways to ask for it."""

    institution: str
    place: str
    teleservice_url: str
    form_url: str
    instructions_url: str
    documents: list[str]

    @property
    def has_links(self) -> bool:
        return bool(self.teleservice_url or self.form_url or self.instructions_url)


def how_to_apply(hit: OfferHit) -> HowToApply:
    """How to apply for this offer. A local offer without an institution is granted by its
    structure, and asked for there unless staff named another place."""
    offer = hit.offer
    structure = None if hit.is_national else getattr(offer, "structure", None)
    place = offer.apply_place
    if not place and structure is not None:
        place = ", ".join(part for part in (structure.name, structure.address) if part)
    return HowToApply(
        institution=offer.institution_name or (structure.name if structure else ""),
        place=place,
        teleservice_url=offer.teleservice_url,
        form_url=offer.form_url,
        instructions_url=offer.instructions_url,
        documents=list(offer.documents or []),
    )


# Services of structures: where is there room (issue 14, item 3)


@dataclass(frozen=True)
class ServiceHit:
    service: StructureService
    distance_km: float | None


# What a young person types around the service they want (« aide au permis », « de l'aide
# pour le code ») says nothing about which service: French stop-words, and the words for « help »
# that every service is. Only the other words must match. Accents removed, lower case.
SEARCH_STOP_WORDS = frozenset((
    "a", "au", "aux", "avec", "ce", "ces", "chez", "d", "de", "des", "du", "en", "et", "j", "je",
    "l", "la", "le", "les", "m", "ma", "me", "mes", "mon", "n", "ne", "ou", "par", "pas", "pour",
    "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sur", "t", "ta", "te", "tes", "ton", "un",
    "une", "vers", "y",
))  # fmt: skip
SEARCH_FILLER_WORDS = frozenset((
    "aide", "aides", "aider", "accompagnement", "accompagnements", "accompagner", "besoin",
    "cherche", "chercher", "trouver", "veux", "voudrais",
))  # fmt: skip


def service_query_words(q: str) -> list[str]:
    """The words of a services search that must match: accents and case folded, elisions
    (« l'aide », « d'un ») split, stop-words and filler dropped. When nothing but filler is
    left (« aide »), the filler is what was asked for, so it is kept."""
    tokens = re.findall(r"\w+", unaccent(q or "").lower())
    words = [t for t in tokens if t not in SEARCH_STOP_WORDS]
    content = [w for w in words if w not in SEARCH_FILLER_WORDS]
    return list(dict.fromkeys(content or words))


def _service_matches(service: StructureService, words: list[str], labels: dict) -> bool:
    """Every word starts a word of the service's name, theme or précisions (« permis » finds
    « permis », « emploi » finds « emplois »; « au » no longer matches inside « bureau »)."""
    name = labels.get(service.theme, service.theme)
    text = unaccent(f"{name} {service.theme.replace('-', ' ')} {service.description}").lower()
    tokens = re.findall(r"\w+", text)
    return all(any(t.startswith(word) for t in tokens) for word in words)


def services_search(*, q: str = "", near: tuple[float, float] | None = None) -> list[ServiceHit]:
    """The city's structures' services matching `q` (service_query_words: every word that
    says which service, accents ignored, in the service's name or précisions): those with room
    first, then those whose room is unknown, then full ones; nearest first within each (when
    `near` is given), else by name. A query of stop-words only matches nothing.

    Filtering on the words that matter (not ranking by words matched) keeps the order the
    young person relies on, room first then nearest, among services that all fit."""
    from kernel.geo import fast_distance_km

    from .themes import theme_labels

    labels = theme_labels()
    words = service_query_words(q)
    if (q or "").strip() and not words:
        return []
    hits = []
    for service in StructureService.objects.select_related("structure").order_by(
        "structure__name", "theme"
    ):
        if words and not _service_matches(service, words, labels):
            continue
        s = service.structure
        distance = (
            fast_distance_km(near, (s.latitude, s.longitude))
            if near and s.latitude is not None and s.longitude is not None
            else None
        )
        hits.append(ServiceHit(service, distance))

    def order(hit: ServiceHit):
        places = hit.service.places_available
        room = 0 if places else (1 if places is None else 2)
        return (room, hit.distance_km is None, hit.distance_km or 0, hit.service.structure.name)

    hits.sort(key=order)
    return hits
