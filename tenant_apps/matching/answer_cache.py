"""A signed-in young person's « pour toi » and « mes droits » answers, kept ready in Redis.

An answer is the JSON body the API sends, keyed by the city, the person, the generations it was
computed from (tenants/generations.py) and what else it depends on (the day, the language, the
query parameters). The generations:

- the person's own ("person:<user id>", bumped by any write to their profile or their claims:
  matching.signals), so their next call after a change is computed again;
- the city's and the national catalogue ("catalogue"), so a publish shows at the next call;
- the city's quartiers ("neighbourhoods": a quartier's centroid and QPV flag feed the profile)
  and the city itself ("hosts": its canonical host is in every URL, its territory in the
  profile).

The version is read before the answer is computed, so a write landing meanwhile leaves the
stored answer stale at once. Entries live TTL seconds: offers whose dates pass change without
a write. An answer still waiting for OpenFisca's amounts names the Redis key the result will
land in (`waits_for`): once it is there, the answer is computed again. Each response carries
an ETag: a client sending it back in If-None-Match gets a 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from kernel.clock import local_today
from rest_framework.renderers import JSONRenderer

from tenants.cache import platform_cache
from tenants.generations import EVERY_CITY, generation_bump, generations

from .candidates import CATALOGUE

TTL = 60
HEADER = "X-Answer-Cache"  # hit | miss | off (Redis unreachable): for benchmarks and support


def person_generation(user_id: int, scope: str | None = None) -> tuple[str, str]:
    return (f"person:{user_id}", scope or connection.schema_name)


def person_changed(*, user_id: int) -> None:
    """Whatever was cached for this person in the current city is stale, in every process."""
    generation_bump(*person_generation(user_id))


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: str
    extra: Any = None  # what the caller needs besides the body (the ids it records)
    waits_for: str | None = None  # a key whose arrival makes this answer stale


def _version(user_id: int) -> str | None:
    schema = connection.schema_name
    return generations.version([
        person_generation(user_id, schema),
        (CATALOGUE, schema),
        (CATALOGUE, EVERY_CITY),
        ("neighbourhoods", schema),
        ("hosts", schema),
    ])  # fmt: skip


def answer_for(
    request,
    *,
    kind: str,
    params: str = "",
    build: Callable[[], tuple[dict, Any, str | None]],
) -> tuple[Answer, str]:
    """The person's answer of `kind` ("feed", "rights"): from the cache, or from `build`, which
    returns (body, extra, waits_for). Returns the answer and how it was found (hit/miss/off)."""
    user_id = request.user.pk
    version = _version(user_id)
    key = None
    if version is not None:
        language = translation.get_language() or ""
        key = (f"matching:answer:{kind}:{connection.schema_name}:{user_id}:{version}:"
               f"{language}:{local_today().isoformat()}:{params}")  # fmt: skip
        cached = platform_cache.get(key)
        if isinstance(cached, Answer) and (
            cached.waits_for is None or platform_cache.get(cached.waits_for) is None
        ):
            return cached, "hit"
    body, extra, waits_for = build()
    rendered = JSONRenderer().render(body)
    etag = f'"{hashlib.blake2b(rendered, digest_size=16).hexdigest()}"'
    answer = Answer(rendered, etag, extra, waits_for)
    if key is not None:
        platform_cache.set(key, answer, timeout=TTL)
    return answer, "miss" if key is not None else "off"


def answer_response(request, answer: Answer, how: str) -> HttpResponse:
    """The JSON response (or a 304 when the client already holds this answer)."""
    if answer.etag in _etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(answer.body, content_type="application/json")
    response["ETag"] = answer.etag
    # One person's answer: no shared cache may keep it, the browser asks again each time.
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, Cookie"
    response[HEADER] = how
    return response


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
