"""Record an interaction without slowing the request down: one RPUSH of a compact JSON line
into the city's Redis buffer. `drain` (every minute, Celery beat) moves buffers into the
database in bulk, resolving who did it into a pseudonym and a profile snapshot there.

The buffer holds the signed-in user's id for at most a minute (like the session store does);
the database never does. Anonymous visitors are keyed by an HMAC of their session key, computed
here, so the session key itself never leaves the request. Visitors without a session count as
events, not as young people.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.dispatch import receiver
from kernel.text import unaccent

from tenants.cache import platform_cache

from .models import AgeBand, Event, EventKind, Identity

logger = logging.getLogger(__name__)

BUFFER_PREFIX = "analytics:buffer:"
DRAIN_BATCH = 5000
MAX_OFFERS_PER_EVENT = 50
_KINDS = frozenset(EventKind.values)


def enabled() -> bool:
    return getattr(settings, "TREMPLIN_ANALYTICS_ENABLED", True)


@cache
def redis_client():
    """One client per process: building one per call cost ~0.1 ms (its pool is thread-safe
    and reconnects after a fork)."""
    return platform_cache._cache.get_client(write=True)


@cache
def buffer_key(schema_name: str) -> str:
    """Platform-wide (the key names its city): drained from whatever schema the drain runs in."""
    return platform_cache.make_key(BUFFER_PREFIX + schema_name)


@receiver(setting_changed)
def _forget_cache_client(*, setting, **kwargs) -> None:
    if setting in ("CACHES", "SECRET_KEY"):
        redis_client.cache_clear()
        buffer_key.cache_clear()
        city_key.cache_clear()


@cache
def city_key(schema_name: str) -> bytes:
    """The city's HMAC key, derived from the project secret (no query on the request path)."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"analytics:{schema_name}".encode(), hashlib.sha256
    ).digest()


def pseudonym(schema_name: str, value: str) -> str:
    return hmac.new(city_key(schema_name), value.encode(), hashlib.sha256).hexdigest()[:32]


def clean_query(text: str) -> str:
    """Normalised search text, with anything that looks like an address or a number dropped
    (people sometimes type their e-mail or phone number in a search box)."""
    words = [w for w in unaccent(text).split() if "@" not in w and sum(c.isdigit() for c in w) < 4]
    return " ".join(words)[:100]


def _who(request, schema_name: str) -> dict[str, Any] | None:
    """{"u": user id} for a young person, {"p": pseudonym} for a visitor with a session,
    {} for one without; None for staff and operators (their browsing is not measured)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"u": user.pk} if getattr(user, "role", None) == "youth" else None
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None) if session is not None else None
    return {"p": pseudonym(schema_name, "s:" + key)} if key else {}


def record(
    request,
    kind: str,
    *,
    offer=None,
    offers: Iterable[uuid.UUID] | None = None,
    query: str | None = None,
    results: int | None = None,
    themes: Iterable[str] | None = None,
) -> None:
    """Buffer one event (or one per offer in `offers`). Never raises: analytics must not
    break a page."""
    if not enabled() or kind not in _KINDS:
        return
    try:
        schema_name = connection.schema_name
        if schema_name == "public":
            return
        who = _who(request, schema_name)
        if who is None:
            return
        base: dict[str, Any] = {"k": kind, "t": round(time.time(), 3), **who}
        if offer is not None:
            base["o"] = str(offer.pk)
            base["ok"] = offer.kind
            base["th"] = list(offer.themes or [])[:10]
        if themes:
            base["th"] = [t for t in themes if t][:10]
        if query is not None:
            base["q"] = clean_query(query)
        if results is not None:
            base["n"] = int(results)
        # Each line carries its event's id ("i"): the drain stores every id once.
        if offers is not None:
            lines = [
                json.dumps({**base, "i": uuid.uuid4().hex, "o": str(o)}, separators=(",", ":"))
                for o in list(offers)[:MAX_OFFERS_PER_EVENT]
            ]
        else:
            lines = [json.dumps({**base, "i": uuid.uuid4().hex}, separators=(",", ":"))]
        if lines:
            redis_client().rpush(buffer_key(schema_name), *lines)
    except Exception:  # Redis down: lose the event, keep the page
        logger.warning("Could not record an analytics event", exc_info=True)


# Draining (runs in a task, in the city's schema)


def age_band(birth_date: date | None, on: date) -> str:
    if birth_date is None:
        return ""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 18:
        return AgeBand.B15_17
    if age <= 20:
        return AgeBand.B18_20
    if age <= 25:
        return AgeBand.B21_25
    return AgeBand.B26


def user_pseudonyms(user_ids: Iterable[int], *, create: bool = True) -> dict[int, str]:
    """Pseudonym of each young person: HMAC of their salt (created on first sight)."""
    import secrets

    ids = set(user_ids)
    salts = dict(Identity.objects.filter(user_id__in=ids).values_list("user_id", "salt"))
    missing = ids - set(salts)
    if missing and create:
        new = [Identity(user_id=uid, salt=secrets.token_hex(16)) for uid in missing]
        Identity.objects.bulk_create(new, ignore_conflicts=True)
        salts = dict(Identity.objects.filter(user_id__in=ids).values_list("user_id", "salt"))
    schema = connection.schema_name
    return {uid: pseudonym(schema, f"u:{uid}:{salt}") for uid, salt in salts.items()}


def _snapshots(user_ids: set[int]) -> dict[int, dict]:
    from tenant_apps.youth.models import YouthProfile

    profiles = YouthProfile.objects.filter(user_id__in=user_ids).select_related("neighbourhood")
    return {
        p.user_id: {
            "birth_date": p.birth_date,
            "situation": p.situation,
            "neighbourhood": p.neighbourhood.code if p.neighbourhood else "",
            "is_qpv": p.neighbourhood.is_qpv if p.neighbourhood else None,
            "interests": list(p.interests)[:20],
            "freins": list(p.freins),
        }
        for p in profiles
    }


# Lines buffered before events carried an id get one from their bytes: replaying them is
# idempotent too (two identical legacy lines, same millisecond, count once).
_LEGACY_IDS = uuid.UUID("1b8c4a52-8f0e-4f3e-9d55-0d1f1e7a3c11")


def _event_id(item: dict, line: bytes) -> uuid.UUID:
    try:
        return uuid.UUID(str(item["i"]))
    except (KeyError, ValueError):
        return uuid.uuid5(_LEGACY_IDS, line.decode("utf-8", "replace"))


def _parse(lines: list[bytes]) -> list[tuple[uuid.UUID, dict]]:
    """(event id, item) for each line that is an event. A line that is not JSON, or not one
    of our kinds, is skipped; one with an unreadable time or user raises: the drain fails and
    keeps the batch in the buffer (nothing is trimmed before its commit)."""
    items = []
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if not isinstance(item, dict) or item.get("k") not in _KINDS:
            continue
        item["t"] = float(item["t"])
        if "u" in item:
            item["u"] = int(item["u"])
        items.append((_event_id(item, line), item))
    return items


def _events(lines: list[bytes]) -> list[Event]:
    from shared_apps.accounts.models import User

    items = _parse(lines)
    user_ids = {i["u"] for _uid, i in items if "u" in i}
    existing = set(User.objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    names = user_pseudonyms(existing)
    profiles = _snapshots(existing)
    events = []
    for uid, item in items:
        at = datetime.fromtimestamp(item["t"], tz=UTC)
        snapshot: dict = {}
        if "u" in item:
            if item["u"] not in existing:  # erased meanwhile: keep nothing of them
                continue
            name = names[item["u"]]
            snapshot = profiles.get(item["u"], {})
        else:
            name = str(item.get("p", ""))[:32]
        try:
            offer_id = uuid.UUID(item["o"]) if item.get("o") else None
        except (ValueError, TypeError, AttributeError):
            offer_id = None
        results = item.get("n")
        events.append(
            Event(
                uid=uid,
                at=at,
                kind=item["k"],
                pseudonym=name,
                age_band=age_band(snapshot.get("birth_date"), at.date()),
                situation=snapshot.get("situation", ""),
                neighbourhood=snapshot.get("neighbourhood", ""),
                is_qpv=snapshot.get("is_qpv"),
                interests=snapshot.get("interests", []),
                freins=snapshot.get("freins", []),
                offer_id=offer_id,
                offer_kind=str(item.get("ok", ""))[:16],
                themes=[str(t)[:120] for t in item.get("th") or []][:10],
                query=str(item.get("q", ""))[:100],
                results=results if isinstance(results, int) else None,
            )
        )
    return events


def _insert(events: list[Event]) -> int:
    """Insert the events whose id is not stored yet; returns how many were new."""
    ids = [e.uid for e in events]
    seen = set(Event.objects.filter(uid__in=ids).values_list("uid", flat=True))
    new = list({e.uid: e for e in events if e.uid not in seen}.values())
    # A drain racing this one may insert the same ids meanwhile: the unique id skips them.
    Event.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def _store(lines: list[bytes]) -> int:
    """One batch into the database, committed when this returns."""
    with transaction.atomic():
        return _insert(_events(lines))


# Trim the batch only if it is still at the head of the buffer: a drain that overlapped this
# one (its lock expired) may have trimmed it already, and trimming again would drop events
# nobody stored. Lines are unique (each carries its id), so the head says whose batch it is.
_TRIM_IF_HEAD = """
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1]
   and redis.call('LINDEX', KEYS[1], tonumber(ARGV[2]) - 1) == ARGV[3] then
    redis.call('LTRIM', KEYS[1], ARGV[2], -1)
    return 1
end
return 0
"""


def _acknowledge(client, key: str, lines: list[bytes]) -> bool:
    """Remove a stored batch from the buffer (after its commit, never before)."""
    return bool(client.eval(_TRIM_IF_HEAD, 1, key, lines[0], len(lines), lines[-1]))


def buffered_schemas(schema_names: list[str]) -> set[str]:
    """Those of the schemas whose buffer holds events (one Redis round trip for all)."""
    if not schema_names:
        return set()
    pipe = redis_client().pipeline(transaction=False)
    for name in schema_names:
        pipe.llen(buffer_key(name))
    return {name for name, length in zip(schema_names, pipe.execute(), strict=True) if length}


def drain(*, schema_name: str | None = None) -> int:
    """Move the current city's buffer into the database; returns the number of events stored.

    Exactly once, whatever fails when: each batch is inserted (ids already stored are
    skipped), committed, and only then trimmed from Redis. A failure before the commit leaves
    the batch in the buffer for the next drain; one after it (before the trim) makes the next
    drain find those ids stored. Call it outside any transaction (tasks do), or the commit is
    the caller's.
    """
    schema_name = schema_name or connection.schema_name
    client, key = redis_client(), buffer_key(schema_name)
    lock = f"analytics:drain-lock:{schema_name}"
    if not platform_cache.add(lock, 1, timeout=300):
        return 0
    stored = 0
    try:
        while True:
            lines = client.lrange(key, 0, DRAIN_BATCH - 1)
            if not lines:
                break
            stored += _store(lines)
            _acknowledge(client, key, lines)
            if len(lines) < DRAIN_BATCH:
                break
    finally:
        platform_cache.delete(lock)
    return stored
