"""Twelve months of synthetic activity for the demo, and the aggregates the diagnostic reads.

`activity_simulate` plays the past year of a city's synthetic young people (tenant_apps.youth
.demo): the days they came back, what they searched, opened, kept, registered to and asked
for. It returns the raw events (pseudonymous, with the profile snapshot a drain would have
written, tenant_apps.analytics.recording) and, as plain tuples, the rows other apps keep
(saves, registrations, claims), which tremplin.demo hands to them. `history_backfill` then
computes the year's weekly and monthly rollups, today's population and non-recours, as the
nightly tasks would have: the diagnostic shows real figures from the first start.

Deterministic: one `random.Random` per city, seeded by its slug.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from .models import Event, Period
from .recording import age_band, user_pseudonyms

logger = logging.getLogger(__name__)

DAYS = 365
ANONYMOUS_VISITORS = 150
# What people type, per theme they care about; some searches find nothing (the diagnostic's
# "unmet needs").
QUERIES = {
    "trouver-un-emploi": ["job", "job ete", "emploi", "interim", "alternance", "babysitting"],
    "preparer-sa-candidature": ["cv", "lettre de motivation", "entretien"],
    "se-former": ["bafa", "formation", "bts alternance", "bourse"],
    "mobilite--preparer-un-permis": ["permis", "code de la route", "permis b", "auto ecole"],
    "logement-hebergement": ["logement", "appartement", "apl", "foyer jeunes travailleurs"],
    "sport": ["foot", "futsal", "salle de sport", "boxe", "piscine"],
    "culture": ["concert", "cinema", "theatre", "studio musique"],
    "loisirs": ["sortie", "vacances", "jeux video"],
    "sante": ["psy", "medecin", "mutuelle", "depistage"],
    "numerique": ["ordinateur", "wifi", "impression"],
    "engagement": ["service civique", "benevolat"],
    "choisir-un-metier": ["orientation", "parcoursup", "stage 3e"],
    "equipement-et-alimentation": ["colis alimentaire", "aide urgence"],
    "souvrir-a-linternational": ["erasmus", "etranger"],
}
UNMET = ["permis moto", "stage montage video", "job le dimanche", "logement urgence ce soir",
         "cours de guitare gratuit", "aide achat scooter", "skatepark"]  # fmt: skip


@dataclass(frozen=True)
class CatalogueItem:
    """An offer people can meet: local or national, of any kind."""

    id: uuid.UUID
    kind: str
    themes: tuple[str, ...]
    is_national: bool


@dataclass(frozen=True)
class Happening:
    """An event or training with places: registrations come before `starts_at`."""

    id: uuid.UUID
    starts_at: datetime
    themes: tuple[str, ...]
    capacity: int | None


@dataclass
class Activity:
    events: list[tuple] = field(default_factory=list)  # rows of analytics_event (_COLUMNS)
    saves: list[tuple] = field(default_factory=list)  # (user id, offer id, is national, at)
    registrations: list[tuple] = field(default_factory=list)  # (user, event, at, attended)
    claims: list[tuple] = field(default_factory=list)  # (user id, aid id, at)


def _moment(rng: random.Random, day: date) -> datetime:
    local = datetime.combine(day, time(rng.choices(range(8, 24), [1, 1, 2, 2, 3, 3, 2, 3, 4, 5,
                                                                  6, 6, 5, 4, 3, 2])[0],
                                       rng.randint(0, 59)))  # fmt: skip
    return timezone.make_aware(local).astimezone(UTC)


def _event(
    kind: str,
    at: datetime,
    who: str,
    snapshot: dict,
    *,
    about: tuple = (None, "", []),
    query: str = "",
    results: int | None = None,
) -> tuple:
    """One row of analytics_event, in the order of _COLUMNS (a tuple: tens of thousands)."""
    return (
        uuid.uuid4(), at, kind, who,
        age_band(snapshot.get("birth_date"), at.date()) if snapshot else "",
        snapshot.get("situation", ""), snapshot.get("neighbourhood", ""), snapshot.get("is_qpv"),
        list(snapshot.get("interests", ())), list(snapshot.get("freins", ())),
        *about, query, results,
    )  # fmt: skip


def _about(item: CatalogueItem) -> tuple:
    return (item.id, item.kind, list(item.themes)[:10])


def _search(rng: random.Random, interests: tuple[str, ...]) -> tuple[str, int]:
    if rng.random() < 0.06:
        return rng.choice(UNMET), 0
    theme = rng.choice(interests) if interests and rng.random() < 0.8 else rng.choice(list(QUERIES))
    words = QUERIES.get(theme) or QUERIES["trouver-un-emploi"]
    # The first words of each list are what most people type.
    query = rng.choices(words, [len(words) - i for i in range(len(words))])[0]
    return query, rng.randint(2, 40)


def activity_simulate(
    *,
    city_slug: str,
    people: list,
    snapshots: dict[int, dict],
    catalogue: list[CatalogueItem],
    happenings: list[Happening],
    today: date,
) -> Activity:
    """A year of visits by `people` (tenant_apps.youth.demo.SyntheticPerson, their profile
    snapshots by user id) to `catalogue`, and registrations to `happenings`."""
    rng = random.Random(f"activity:{city_slug}")  # noqa: S311 - demo data
    names = user_pseudonyms([p.user_id for p in people])
    by_theme: dict[str, list[CatalogueItem]] = {}
    for item in catalogue:
        for theme in item.themes:
            by_theme.setdefault(theme.split("--")[0], []).append(item)
            by_theme.setdefault(theme, []).append(item)
    aids = [item for item in catalogue if item.kind == "aide"]
    # A few offers are what everybody opens (the summer jobs, the permis aid); most, few people.
    ranks = list(range(len(catalogue)))
    rng.shuffle(ranks)
    popularity = {item.id: 1 / (rank + 4) for item, rank in zip(catalogue, ranks, strict=True)}
    everything = (catalogue, [popularity[i.id] for i in catalogue])
    pools = {theme: (items, [popularity[i.id] for i in items]) for theme, items in by_theme.items()}
    start = today - timedelta(days=DAYS)
    activity = Activity()
    saved: set[tuple] = set()
    claimed: set[tuple] = set()
    registered: set[tuple] = set()
    seats: dict[uuid.UUID, int] = {}
    for person in people:
        who, snapshot = names[person.user_id], snapshots.get(person.user_id, {})
        first = max(person.joined, start)
        span = (today - first).days
        if span <= 0:
            continue
        visits = max(1, round(span / 30 * (0.6 + 5 * person.engagement)))
        days = sorted({first + timedelta(days=rng.randint(0, span)) for _ in range(visits)})
        for day in days:
            at = _moment(rng, day)
            for _ in range(rng.choices([0, 1, 2, 3], [25, 45, 20, 10])[0]):
                query, results = _search(rng, person.interests)
                activity.events.append(_event("search", at, who, snapshot,
                                              query=query, results=results))  # fmt: skip
                at += timedelta(seconds=rng.randint(20, 200))
            liked = [pools[t] for t in person.interests if t in pools] or [everything]
            for _ in range(rng.choices([1, 2, 3, 4, 6], [20, 30, 25, 15, 10])[0]):
                items, weights = rng.choice(liked) if rng.random() < 0.75 else everything
                item = rng.choices(items, weights)[0]
                activity.events.append(_event("view", at, who, snapshot, about=_about(item)))
                at += timedelta(seconds=rng.randint(30, 400))
                if rng.random() < 0.2 and (person.user_id, item.id) not in saved:
                    saved.add((person.user_id, item.id))
                    activity.saves.append((person.user_id, item.id, item.is_national, at))
                if item.kind != "aide" and rng.random() < 0.08:
                    activity.events.append(_event("apply", at, who, snapshot, about=_about(item)))
            if aids and rng.random() < 0.35:  # « Mes droits »: the aids they are shown
                shown = rng.sample(aids, min(len(aids), rng.randint(3, 8)))
                for aid in shown:
                    activity.events.append(_event("right_shown", at, who, snapshot,
                                                  about=_about(aid)))  # fmt: skip
                aid = rng.choice(shown)
                if rng.random() < 0.25 and (person.user_id, aid.id) not in claimed:
                    claimed.add((person.user_id, aid.id))
                    activity.claims.append((person.user_id, aid.id, at))
                    activity.events.append(_event("claim", at, who, snapshot, about=_about(aid)))
            _register(rng, activity, person, day, at, happenings, registered, seats)
    _anonymous_visits(rng, activity, catalogue, start, today)
    return activity


def _register(rng, activity, person, day, at, happenings, registered, seats) -> None:
    """Sometimes, a place at an event or training of the coming weeks."""
    if rng.random() > 0.18:
        return
    soon = [
        h
        for h in happenings
        if at < h.starts_at <= at + timedelta(days=40)
        and (h.capacity is None or seats.get(h.id, 0) < h.capacity)
        and (person.user_id, h.id) not in registered
    ]
    if not soon:
        return
    liked = [h for h in soon if set(h.themes) & set(person.interests)] or soon
    happening = rng.choice(liked)
    registered.add((person.user_id, happening.id))
    seats[happening.id] = seats.get(happening.id, 0) + 1
    held = happening.starts_at < timezone.now()
    attended = happening.starts_at + timedelta(minutes=30) if held and rng.random() < 0.7 else None
    activity.registrations.append((person.user_id, happening.id, at, attended))


def _anonymous_visits(rng, activity, catalogue, start: date, today: date) -> None:
    """Visitors without an account: a session each, a few pages, no profile."""
    for _ in range(ANONYMOUS_VISITORS):
        who = uuid.UUID(int=rng.getrandbits(128)).hex
        day = start + timedelta(days=rng.randint(0, DAYS))
        at = _moment(rng, day)
        if rng.random() < 0.6:
            query, results = _search(rng, ())
            activity.events.append(_event("search", at, who, {}, query=query, results=results))
        for _ in range(rng.randint(1, 4)):
            item = rng.choice(catalogue)
            at += timedelta(seconds=rng.randint(20, 300))
            activity.events.append(_event("view", at, who, {}, about=_about(item)))


_COLUMNS = (
    "uid", "at", "kind", "pseudonym", "age_band", "situation", "neighbourhood", "is_qpv",
    "interests", "freins", "offer_id", "offer_kind", "themes", "query", "results",
)  # fmt: skip


def events_store(events: list[tuple]) -> int:
    """Write the events with one COPY (tens of thousands: bulk_create would take seconds)."""
    sql = f"COPY {Event._meta.db_table} ({', '.join(_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in events:
            copy.write_row(row)
    return len(events)


def history_backfill(*, city, today: date, nonrecours: bool = True) -> dict[str, float]:
    """The year's weekly and monthly aggregates, today's population snapshot and usage line,
    and (unless `nonrecours` is False) today's non-recours. Returns seconds per step."""
    import time as clock

    from . import rollups
    from .tasks import city_rollup

    timings = {}
    started = clock.perf_counter()
    first = today - timedelta(days=DAYS)
    day = first - timedelta(days=first.weekday())
    while day <= today:
        rollups.rollup_period(period=Period.WEEK, day=day)
        day += timedelta(days=7)
    month = first.replace(day=1)
    while month <= today:
        rollups.rollup_period(period=Period.MONTH, day=month)
        month = (month + timedelta(days=32)).replace(day=1)
    timings["rollups"] = clock.perf_counter() - started
    started = clock.perf_counter()
    city_rollup(city=city, day=today, snapshot=True)
    timings["snapshot"] = clock.perf_counter() - started
    if nonrecours:
        from .nonrecours import nonrecours_snapshot_take

        started = clock.perf_counter()
        try:
            nonrecours_snapshot_take(city=city, day=today)
        except Exception:  # OpenFisca unavailable: the nightly task will try again
            logger.warning("Demo: the non-recours snapshot of %s failed", city.slug, exc_info=True)
        timings["nonrecours"] = clock.perf_counter() - started
    return timings
