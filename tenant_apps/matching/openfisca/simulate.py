"""Amounts of the corpus' OpenFisca benefits for many profiles, in one vectorised simulation.

    results = simulate(profiles)            # [{slug: {"value", "period", "estimate"}}, …]
    missing = missing_facts(profile)        # {slug: [answers that would change it]}

A value of 0 means not eligible. A benefit with missing answers was computed on `DEFAULTS` (or
set to 0 when an answer has no sensible default): show it as a "maybe", never as an amount.
Local benefits appear only in the results of people who live in their territory.

The legislation is OpenFisca-France's for the month simulated: the current month unless
`month="YYYY-MM"` is given (`LEGISLATION_DATE` is the first day of the month at import).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from . import engine
from .corpus import (
    AGE,
    BOURSIER,
    COMMUNE,
    HOUSING,
    PARENTS_INCOME,
    PARTNER,
    RENT,
    SITUATION,
    Benefit,
    computed_benefits,
)
from .situation import (
    DEFAULTS,
    RENTED,
    Facts,
    build_situation,
    facts_from_profile,
    month_periods,
)

__all__ = [
    "LEGISLATION_DATE",
    "Place",
    "legislation_date",
    "missing_facts",
    "place_of",
    "simulate",
    "simulate_batch",
    "simulate_facts",
    "warm_up",
]

PARTNER_INCOME = "partner_net_income_monthly"
# The order missing answers are listed in: the ones that settle most first.
_QUESTION_ORDER = (
    SITUATION,
    AGE,
    HOUSING,
    "net_income_monthly",
    RENT,
    PARTNER,
    PARTNER_INCOME,
    BOURSIER,
    COMMUNE,
    PARENTS_INCOME,
)
# Benefits aides-jeunes assumes a person does not receive yet (`setToZeroRecently`): their last
# three months are 0, so a current claim is never counted as a resource against itself.
_NOT_RECEIVED_RECENTLY = frozenset({"rsa", "contrat_engagement_jeune"})


def legislation_date(today: date | None = None) -> date:
    """The legislation simulated for `today`: OpenFisca's parameters on the first of its month."""
    return (today or date.today()).replace(day=1)


LEGISLATION_DATE = legislation_date()


@dataclass(frozen=True)
class Place:
    """The territories of a person's commune (None where unknown)."""

    commune: str | None = None
    epci: str | None = None
    departement: str | None = None
    region: str | None = None

    def contains(self, benefit: Benefit) -> bool:
        if benefit.territory is None:
            return True
        return getattr(self, benefit.territory.kind) == benefit.territory.code


@lru_cache(maxsize=50_000)
def place_of(commune_insee: str | None) -> Place:
    """The commune's EPCI, département and région, from the shipped commune reference."""
    if not commune_insee:
        return Place()
    from shared_apps.geo.communes import commune_get

    commune = commune_get(commune_insee)
    departement = commune_insee[:3] if commune_insee.startswith("97") else commune_insee[:2]
    if commune is None:
        return Place(commune=commune_insee, departement=departement)
    return Place(
        commune=commune_insee,
        epci=commune.epci or None,
        departement=commune.departement or departement,
        region=commune.region or None,
    )


def _applicable(facts: Facts, place: Place) -> list[Benefit]:
    """The benefits that concern this person: national ones, and local ones of their place."""
    return [b for b in computed_benefits() if not b.local or place.contains(b)]


def _gated_out(benefit: Benefit, facts: Facts) -> bool:
    """True when a known answer puts the benefit out of reach whatever the rest."""
    if (
        benefit.situations is not None
        and facts.situation is not None
        and facts.situation not in benefit.situations
    ):
        return True
    return bool(
        benefit.housing is not None
        and facts.housing_status is not None
        and facts.housing_status not in benefit.housing
    )


def _relevant(name: str, facts: Facts) -> bool:
    """Whether an unknown answer can matter given the known ones."""
    if name == RENT:
        return facts.housing_status is None or facts.housing_status in RENTED
    if name == COMMUNE:
        return facts.housing_status is None or facts.housing_status in RENTED
    if name == BOURSIER:
        return facts.situation in (None, "etudiant", "lyceen", "collegien")
    if name == PARENTS_INCOME:
        return facts.situation in (None, "etudiant")
    return True


def _missing(benefit: Benefit, facts: Facts) -> list[str]:
    if _gated_out(benefit, facts):
        return []
    unknown = facts.unknown()
    names = {n for n in benefit.needs if n in unknown and _relevant(n, facts)}
    if PARTNER in benefit.needs and facts.lives_with_partner and PARTNER_INCOME in unknown:
        names.add(PARTNER_INCOME)
    if benefit.situations is not None and SITUATION in unknown:
        names.add(SITUATION)
    if benefit.housing is not None and HOUSING in unknown:
        names.add(HOUSING)
    return [n for n in _QUESTION_ORDER if n in names]


def missing_facts(profile: Mapping[str, Any] | Facts) -> dict[str, list[str]]:
    """For each benefit that concerns the person, the unknown answers that could change it.

    An empty list means the result is settled by what the person said."""
    facts = profile if isinstance(profile, Facts) else facts_from_profile(profile)
    place = place_of(facts.commune_insee)
    return {b.slug: _missing(b, facts) for b in _applicable(facts, place)}


def _cannot_compute(missing: Sequence[str]) -> bool:
    """An answer with no default is missing: the amount would be a guess, report 0."""
    return any(name in DEFAULTS and DEFAULTS[name] is None for name in missing)


def _settled_at_zero(benefit: Benefit, facts: Facts) -> bool:
    return _gated_out(benefit, facts) or _cannot_compute(_missing(benefit, facts))


def _entity_size(variable: str, n: int, n_persons: int) -> int:
    entity = engine.tax_benefit_system().variables[variable].entity.key
    return n_persons if entity in ("individu", "foyer_fiscal") else n


def simulate_facts(
    facts: Sequence[Facts], *, month: str | None = None
) -> list[dict[str, dict[str, Any]]]:
    """`simulate` on already checked facts."""
    month = month or legislation_date().isoformat()[:7]
    if not facts:
        return []
    system = engine.tax_benefit_system()
    places = [place_of(f.commune_insee) for f in facts]
    applicable = [_applicable(f, p) for f, p in zip(facts, places, strict=True)]
    # Only what some profile can get: a batch of workers never computes the student bourse.
    wanted = {
        b.variable: b
        for f, benefits in zip(facts, applicable, strict=True)
        for b in benefits
        if not _settled_at_zero(b, f)
    }

    situation = build_situation(facts, month=month)
    n, n_persons = situation.n, situation.n_persons
    year = int(month[:4])
    for siren in engine.EPCI_SIRENS:
        inside = np.array([p.epci == siren for p in places], dtype=bool)
        for period in month_periods(month, back_to_year=year):
            situation.put(f"menage_dans_epci_siren_{siren}", period, inside)
    # As aides-jeunes does: the person is taken not to receive the benefits over the past year
    # (they are asking for them), which also keeps OpenFisca from computing each past month.
    past = month_periods(month, back_to_year=year - 2)[1:13]
    for variable, benefit in wanted.items():
        definition = system.variables[variable]
        if benefit.period != "month" or definition.value_type is not float:
            continue
        zeros = np.zeros(_entity_size(variable, n, n_persons))
        recent = benefit.slug in _NOT_RECEIVED_RECENTLY
        for period in past if recent else past[3:]:
            situation.put(variable, period, zeros)

    simulation = engine.build_simulation(situation, system)
    values = {
        variable: np.asarray(
            simulation.calculate(variable, month[:4] if b.period == "year" else month),
            dtype=float,
        )[:n]
        for variable, b in wanted.items()
    }

    results = []
    for i, (f, benefits) in enumerate(zip(facts, applicable, strict=True)):
        row: dict[str, dict[str, Any]] = {}
        for b in benefits:
            value = 0.0 if _settled_at_zero(b, f) else float(values[b.variable][i])
            if not np.isfinite(value):
                value = 0.0
            if b.unit is None:
                value = 1.0 if value > 0 else 0.0
            row[b.slug] = {"value": round(value, 2), "period": b.period, "estimate": True}
        results.append(row)
    return results


def simulate(
    profiles: Iterable[Mapping[str, Any]], *, month: str | None = None
) -> list[dict[str, dict[str, Any]]]:
    """Every computed benefit for each profile, in one OpenFisca simulation.

    Raises situation.ProfileValueError (with `.field`) on the first bad profile value."""
    return simulate_facts([facts_from_profile(p) for p in profiles], month=month)


def simulate_batch(
    profiles: Iterable[Mapping[str, Any]], *, month: str | None = None
) -> list[tuple[dict[str, tuple[float, str]], dict[str, list[str]]]]:
    """Per profile: ({slug: (value, period)}, {slug: missing answers}), for result caches."""
    facts = [facts_from_profile(p) for p in profiles]
    out = []
    for f, row in zip(facts, simulate_facts(facts, month=month), strict=True):
        amounts = {slug: (r["value"], r["period"]) for slug, r in row.items()}
        missing = {slug: names for slug, names in missing_facts(f).items() if names}
        out.append((amounts, missing))
    return out


def warm_up() -> None:
    """Load the tax-benefit system and compute every benefit once (a worker calls this at start).

    OpenFisca prepares a formula's parameters on its first use: without this, the first person
    of each territory would wait for its local aids' preparation."""
    month = legislation_date().isoformat()[:7]
    simulation = engine.build_simulation(build_situation([Facts()], month=month))
    for benefit in computed_benefits():
        period = month[:4] if benefit.period == "year" else month
        simulation.calculate(benefit.variable, period)
