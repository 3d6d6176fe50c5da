"""Non-recours in euros: every registered young person's rights, evaluated once a night.

`nonrecours_snapshot_take(city=, day=)` loads every young person of the current city (one
query, their claims in one more), has OpenFisca simulate the profile versions it has no result
for yet in one vectorised call, evaluates each person with `rights_evaluate` (the same entry
point as « Mes droits », so the diagnostic counts exactly what the young people are shown), and
stores per neighbourhood and aid: young people eligible, eligible ones who said they applied,
and the monthly euros of the eligible ones who did not. Re-running a day replaces that day.

The rows are atoms of the privacy rule (privacy.py); selectors.py publishes them.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tenant_apps.matching import computed
from tenant_apps.matching.answers import Person
from tenant_apps.matching.candidates import Candidate, candidates_for_city
from tenant_apps.matching.models import RightClaim
from tenant_apps.matching.openfisca.corpus import benefit_get
from tenant_apps.matching.profiles import match_profile_from_row
from tenant_apps.matching.rights import computed_benefit, monthly_euros, rights_evaluate
from tenant_apps.youth.models import YouthProfile
from tenant_apps.youth.selectors import profile_as_dict
from tenants.cache import platform_cache
from tenants.models import City

from .dashboard_cache import figures_changed
from .models import NonRecoursFact, NonRecoursSnapshot

CENT = Decimal("0.01")


class NonRecoursIncomplete(RuntimeError):
    """Some young people's OpenFisca results cannot be read after the simulation (Redis)."""


# Selector


def registered_people(*, city: City, today: date) -> list[Person]:
    """Every registered young person of the current city as « Mes droits » sees them (saved
    profile and claims, as `matching.answers.person_for_request`), in two queries."""
    rows = (
        YouthProfile.objects.filter(user__role="youth", user__is_active=True)
        .select_related("user", "neighbourhood")
        .order_by("user_id")
    )
    claims: dict[int, set[uuid.UUID]] = defaultdict(set)
    for user_id, offer_id in RightClaim.objects.values_list("user_id", "offer_id"):
        claims[user_id].add(offer_id)
    return [
        Person(
            profile_as_dict(row),
            match_profile_from_row(row, today=today, city=city),
            frozenset(claims.get(row.user_id, ())),
        )
        for row in rows.iterator(chunk_size=2000)
    ]


# Service


@dataclass
class _Atom:
    candidate: Candidate | None  # None: every aid at once
    eligible: int = 0
    claimed: int = 0
    euros: Decimal = field(default_factory=Decimal)


def _monthly_euros(candidate: Candidate, amount: computed.Amount | None) -> Decimal:
    """`rights.monthly_euros`, with an OpenFisca amount counted only when it is in euros (the
    psychologist sessions for students come in séances)."""
    if amount is not None:
        benefit = benefit_get(computed_benefit(candidate) or "")
        if benefit is not None and benefit.unit != "€":
            return Decimal(0)
    return monthly_euros(candidate, amount)


def _simulate_missing(people: list[Person], *, today: date) -> int:
    """One vectorised OpenFisca run for the profile versions with no stored result; returns
    how many versions it simulated. Results land where `rights_evaluate` reads them."""
    distinct: dict[str, Mapping[str, Any]] = {}
    for person in people:
        inputs = computed.inputs_for(person.data, person.profile.engine, today=today)
        distinct.setdefault(computed._key(inputs), inputs)
    # One round trip for every version (computed.result_get would take one each).
    stored = platform_cache.get_many(list(distinct))
    missing = [inputs for key, inputs in distinct.items() if not stored.get(key)]
    if missing:
        computed.results_compute(missing)
    return len(missing)


def nonrecours_snapshot_take(*, city: City, day: date) -> NonRecoursSnapshot:
    """Evaluate the rights of every registered young person of the current city on `day` and
    store that day's non-recours (replacing it, in one transaction).

    The evaluation runs outside any transaction (OpenFisca can take a minute for a large city);
    only the write is atomic. Raises when OpenFisca fails or its results cannot be read back
    (NonRecoursIncomplete): the previous snapshot stays, with its date."""
    started = time.perf_counter()
    people = registered_people(city=city, today=day)
    aids = [c for c in candidates_for_city(city) if c.kind == "aide"]
    # A city whose catalogue has no computed aid needs no simulation at all.
    simulated, simulation_started = 0, time.perf_counter()
    if people and any(computed_benefit(c) for c in aids):
        simulated = _simulate_missing(people, today=day)
    simulation_seconds = time.perf_counter() - simulation_started

    atoms: dict[tuple[str, uuid.UUID | None], _Atom] = {}
    unreadable = 0
    for person in people:
        answer = rights_evaluate(
            city=city,
            data=person.data,
            today=day,
            claimed=person.claimed,
            profile=person.profile,
            compute=False,
        )
        # Pending with no result at all: the result stored above cannot be read back.
        unreadable += bool(answer.pending) and answer.computed_at is None
        if not answer.eligible:
            continue
        place = person.data.get("neighbourhood") or ""
        for candidate in answer.eligible:
            atom = atoms.setdefault((place, candidate.id), _Atom(candidate))
            atom.eligible += 1
            if candidate.id in answer.claimed:
                atom.claimed += 1
            else:
                atom.euros += _monthly_euros(candidate, answer.amount_of(candidate))
        everything = atoms.setdefault((place, None), _Atom(None))
        everything.eligible += 1
        everything.claimed += any(c.id in answer.claimed for c in answer.eligible)

    if unreadable:
        # Counting their computed aids as nobody's would understate the euros: fail, and the
        # last snapshot stays, with its date. (An aid still pending *with* a result is one
        # OpenFisca does not compute for that person's territory: it is not theirs.)
        raise NonRecoursIncomplete(f"{unreadable} young people have no OpenFisca result")
    snapshot = NonRecoursSnapshot(
        day=day,
        computed_at=timezone.now(),
        legislation_date=computed.legislation_date(day),
        people=len(people),
        simulated=simulated,
        seconds=round(time.perf_counter() - started, 3),
        simulation_seconds=round(simulation_seconds, 3),
    )
    facts = [
        NonRecoursFact(
            neighbourhood=place,
            offer_id=offer_id,
            offer_title=atom.candidate.title[:200] if atom.candidate else "",
            is_national=atom.candidate.is_national if atom.candidate else None,
            eligible=atom.eligible,
            claimed=atom.claimed,
            unclaimed_monthly_euros=atom.euros.quantize(CENT) if atom.candidate else None,
        )
        for (place, offer_id), atom in atoms.items()
    ]
    with transaction.atomic():
        # Two runs of the same day (a retried task, a manual run) write one after the other.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                [f"{connection.schema_name}:nonrecours:{day.isoformat()}"],
            )
        NonRecoursSnapshot.objects.filter(day=day).delete()
        snapshot.save()
        for fact in facts:
            fact.snapshot = snapshot
        NonRecoursFact.objects.bulk_create(facts, batch_size=2000)
        figures_changed()
    return snapshot
