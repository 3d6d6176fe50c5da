"""« Mes droits »: the aids a young person is entitled to, then the ones a question away.

`rights_evaluate` is the one entry point: the page, the API (signed-in and anonymous) and the
nightly non-recours batch all call it. The eligibility engine decides the aids with rules; the
amounts OpenFisca computes in the worker (matching/computed.py) decide the means-tested ones.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tenants.models import City

from . import computed
from .candidates import Candidate, candidates_for_city
from .eligibility import COMPUTED_FACT, COMPUTED_MISSING_FACT, PENDING_FACT, Verdict
from .feed import verdict_for
from .profiles import MatchProfile, match_profile_from_dict
from .questions import QUESTIONS, Question

# How many times a month each periodicity pays, to compare amounts as monthly euros (a one-off
# aid counts for nothing per month).
PER_MONTH = {
    "mensuelle": Decimal(1),
    "annuelle": Decimal(1) / 12,
    "month": Decimal(1),
    "year": Decimal(1) / 12,
}
PERIOD_OF = {"mensuelle": "month", "annuelle": "year", "ponctuelle": "once"}


@dataclass(frozen=True)
class MaybeRight:
    candidate: Candidate
    missing: tuple[str, ...]

    @property
    def question(self) -> str | None:
        """The one question that settles it (or narrows it most), if we know how to ask."""
        for fact in self.missing:
            if fact in QUESTIONS:
                return QUESTIONS[fact].text
        return None


@dataclass(frozen=True)
class Rights:
    eligible: list[Candidate]
    maybe: list[MaybeRight]

    def next_questions(self, limit: int = 3) -> list[tuple[str, str, int]]:
        """The facts that settle the most "maybe" aids (then the most euros):
        (fact, question, how many aids)."""
        return [(q.fact, q.text, n) for q, n, _ in decisive_questions(self.maybe)[:limit]]


def monthly_euros(candidate: Candidate, amount: computed.Amount | None = None) -> Decimal:
    """What an aid is worth per month, as far as we know (0 for one-off or unknown amounts)."""
    if amount is not None:
        return Decimal(str(amount.value)) * PER_MONTH.get(amount.period, Decimal(0))
    if candidate.amount_value is None or candidate.amount_unit not in ("", "€"):
        return Decimal(0)
    return candidate.amount_value * PER_MONTH.get(candidate.periodicity, Decimal(0))


def decisive_questions(maybe: Iterable[MaybeRight]) -> list[tuple[Question, int, Decimal]]:
    """Every question a "maybe" aid waits for, the most decisive first: the one that settles
    the most aids, then the most euros. Facts asked by the same question count once."""
    by_question: dict[str, tuple[Question, set[uuid.UUID], Decimal]] = {}
    for item in maybe:
        seen = set()
        for fact in item.missing:
            question = QUESTIONS.get(fact)
            if question is None or question.field in seen:
                continue
            seen.add(question.field)
            key = question.field if question.field != "facts" else question.fact
            entry = by_question.setdefault(key, (question, set(), Decimal(0)))
            if item.candidate.id not in entry[1]:
                entry[1].add(item.candidate.id)
                by_question[key] = (entry[0], entry[1], entry[2] + monthly_euros(item.candidate))
    ranked = sorted(
        by_question.values(), key=lambda e: (-len(e[1]), -e[2], e[0].fact)
    )  # deterministic: the fact name breaks ties
    return [(question, len(ids), euros) for question, ids, euros in ranked]


def _sort_key(candidate: Candidate, amounts: Mapping[uuid.UUID, computed.Amount]) -> tuple:
    # Local aids first (the city's own), then by monthly worth, then by amount, then title.
    worth = monthly_euros(candidate, amounts.get(candidate.id))
    return (
        candidate.is_national,
        -worth,
        -(candidate.amount_value or 0),
        candidate.title.lower(),
    )


def rights_for(
    *,
    profile: MatchProfile,
    candidates: Iterable[Candidate],
    amounts: Mapping[uuid.UUID, computed.Amount] | None = None,
) -> Rights:
    """Evaluate every aid of the catalogue against the profile."""
    amounts = amounts or {}
    eligible, maybe, memo = [], [], {}
    for candidate in candidates:
        if candidate.kind != "aide":
            continue
        result = verdict_for(candidate, profile, memo)
        if result.verdict == Verdict.ELIGIBLE:
            eligible.append(candidate)
        elif result.verdict == Verdict.MAYBE:
            maybe.append(MaybeRight(candidate, result.missing))
    eligible.sort(key=lambda c: _sort_key(c, amounts))
    maybe.sort(key=lambda m: (len(m.missing), *_sort_key(m.candidate, amounts)))
    return Rights(eligible=eligible, maybe=maybe)


@dataclass(frozen=True)
class RightsAnswer:
    """What « Mes droits » shows one person, wherever they ask."""

    eligible: list[Candidate]
    maybe: list[MaybeRight]
    # Aids whose amount OpenFisca is computing right now (the page refreshes itself).
    pending: list[Candidate]
    # True while the worker is expected to answer soon; False when it is down or failing.
    computing: bool
    amounts: Mapping[uuid.UUID, computed.Amount]
    claimed: frozenset[uuid.UUID]
    computed_at: datetime | None
    legislation_date: date
    questions: list[tuple[Question, int, Decimal]]

    @property
    def question(self) -> Question | None:
        """The single most decisive question, asked first."""
        return self.questions[0][0] if self.questions else None

    @property
    def unclaimed(self) -> list[Candidate]:
        return [c for c in self.eligible if c.id not in self.claimed]

    @property
    def unclaimed_monthly_euros(self) -> Decimal:
        return sum((monthly_euros(c, self.amounts.get(c.id)) for c in self.unclaimed), Decimal(0))

    def amount_of(self, candidate: Candidate) -> computed.Amount | None:
        return self.amounts.get(candidate.id)

    def as_rights(self) -> Rights:
        return Rights(eligible=self.eligible, maybe=self.maybe)


def computed_benefit(candidate: Candidate) -> str | None:
    """The OpenFisca benefit an aid's amount comes from, if any."""
    for condition in (candidate.eligibility or {}).get("conditions_generales") or []:
        if isinstance(condition, Mapping) and condition.get("type") == "openfisca":
            return str(condition.get("benefit") or "") or None
    return None


def rights_evaluate(
    *,
    city: City,
    data: Mapping[str, Any],
    today: date,
    claimed: Iterable[uuid.UUID] = (),
    wait: float = 0.0,
    compute: bool = True,
    profile: MatchProfile | None = None,
) -> RightsAnswer:
    """The rights of the person described by `data` (the DESIGN.md profile shape).

    The OpenFisca part comes from the cache (a result per profile version); when it is not
    there, a computation is asked of the worker (`compute`) and awaited up to `wait` seconds.
    Until it arrives, the computed aids are `pending`. `profile`: the MatchProfile when the
    caller already built it from a stored row.
    """
    profile = profile or match_profile_from_dict(data, today=today, city=city)
    inputs = computed.inputs_for(data, profile.engine, today=today)
    result = computed.result_get(inputs)
    computing = False
    if result is None and compute:
        computing = computed.result_request(inputs)
        if computing and wait > 0:
            result = computed.result_wait(inputs, timeout=wait)
    engine = dataclasses.replace(
        profile.engine,
        facts={
            **profile.engine.facts,
            **(
                {
                    COMPUTED_FACT: {slug: a.value for slug, a in result.amounts.items()},
                    COMPUTED_MISSING_FACT: dict(result.missing),
                }
                if result is not None
                else {}
            ),
        },
    )
    candidates = candidates_for_city(city)
    amounts: dict[uuid.UUID, computed.Amount] = {}
    if result is not None:
        for candidate in candidates:
            slug = computed_benefit(candidate)
            found = result.amounts.get(slug) if slug else None
            if found is not None and found.period != computed.ELIGIBILITY:
                # How often it is paid is the aid's own (the corpus' periodicity): OpenFisca's
                # period is only the one it was computed for.
                period = PERIOD_OF.get(candidate.periodicity, found.period)
                amounts[candidate.id] = computed.Amount(found.value, period)
    rights = rights_for(
        profile=dataclasses.replace(profile, engine=engine), candidates=candidates, amounts=amounts
    )
    pending = [m.candidate for m in rights.maybe if PENDING_FACT in m.missing]
    maybe = [m for m in rights.maybe if PENDING_FACT not in m.missing]
    return RightsAnswer(
        eligible=rights.eligible,
        maybe=maybe,
        pending=pending,
        computing=bool(pending) and computing and result is None,
        amounts={c.id: amounts[c.id] for c in rights.eligible if c.id in amounts},
        claimed=frozenset(claimed),
        computed_at=result.computed_at if result is not None else None,
        legislation_date=computed.legislation_date(today),
        questions=decisive_questions(maybe),
    )
