"""The eligibility engine: is this young person entitled to this aid? Pure Python, no I/O.

Rules use the aides-jeunes shape, stored as-is on offers:

    {"conditions_generales": [condition, ...],
     "profils": [{"type": <situation>, "conditions": [condition, ...]}, ...]}

An offer is eligible when every general condition holds AND (there are no profiles OR one
profile matches the person's situation with all its conditions holding).

Facts may be unknown, so every condition evaluates to one of three values (Kleene logic):
TRUE, FALSE, or UNKNOWN together with the facts that would settle it. A condition type the engine
does not know is UNKNOWN too (never an error) and is reported, so the portal shows the offer as
"maybe" and the import report lists what we cannot evaluate yet.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from kernel.clock import age_on


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    MAYBE = "maybe"


# aides-jeunes profile types → our situations (DESIGN.md); the other profile types are facts.
SITUATION_OF_PROFILE = {
    "collegien": "collegien",
    "lyceen": "lyceen",
    "etudiant": "etudiant",
    "enseignement_superieur": "etudiant",
    "apprenti": "apprenti",
    "professionnalisation": "alternant",
    "stagiaire": "stagiaire",
    "salarie": "salarie",
    "independant": "independant",
    "chomeur": "demandeur_emploi",
    "service_civique": "service_civique",
    "inactif": "sans_activite",
}
SITUATIONS = frozenset(
    {
        "collegien", "lyceen", "etudiant", "apprenti", "alternant", "stagiaire", "salarie",
        "independant", "demandeur_emploi", "service_civique", "sans_activite",
    }
)  # fmt: skip
# Profile types that describe a fact about the person rather than their situation.
FACT_PROFILES = {
    "beneficiaire_rsa": "beneficiaire_rsa",
    "parent": "parent",
    "situation_handicap": "situation_handicap",
}


@dataclass(frozen=True)
class Profile:
    """What we know about a young person; None means unknown."""

    today: date
    birth_date: date | None = None
    situation: str | None = None
    commune_insee: str | None = None
    postal_code: str | None = None
    departement: str | None = None  # derived from the commune by the caller
    region: str | None = None
    epci: str | None = None
    boursier: bool | None = None
    # Answers to the less common questions (quotient_familial, annee_etude, beneficiaire_rsa…).
    facts: Mapping[str, Any] = field(default_factory=dict)

    def fact(self, name: str) -> Any:
        return self.facts.get(name)


@dataclass(frozen=True)
class Institution:
    """Who grants an aid, for `attached_to_institution`: a territory type and its code."""

    kind: str  # commune | communes (a territory) | epci | departement | region | national
    code: str = ""  # communes: the INSEE codes, space-separated


@dataclass(frozen=True)
class Truth:
    """A three-valued result: value None means unknown, with the facts that would settle it."""

    value: bool | None
    missing: frozenset[str] = frozenset()
    unsupported: frozenset[str] = frozenset()


TRUE = Truth(True)
FALSE = Truth(False)


def unknown(*facts: str) -> Truth:
    return Truth(None, frozenset(facts))


def unsupported(kind: str) -> Truth:
    return Truth(None, frozenset(), frozenset({kind}))


def _combine(truths: Iterable[Truth], *, decisive: bool) -> Truth:
    """Kleene AND (decisive=False) or OR (decisive=True): one decisive value settles it; else
    any unknown makes the result unknown, with every missing fact merged; else not decisive."""
    missing: set[str] = set()
    unsupported_kinds: set[str] = set()
    undecided = False
    for truth in truths:
        if truth.value is decisive:
            return TRUE if decisive else FALSE
        if truth.value is None:
            undecided = True
            missing |= truth.missing
            unsupported_kinds |= truth.unsupported
    if undecided:
        return Truth(None, frozenset(missing), frozenset(unsupported_kinds))
    return FALSE if decisive else TRUE


def all_of(truths: Iterable[Truth]) -> Truth:
    return _combine(truths, decisive=False)


def any_of(truths: Iterable[Truth]) -> Truth:
    return _combine(truths, decisive=True)


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict
    missing: tuple[str, ...] = ()  # the facts whose answer would settle a "maybe"
    unsupported: tuple[str, ...] = ()  # condition types we could not evaluate


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "==": operator.eq,
    "!=": operator.ne,
}


def _compare(value: Any, condition: Mapping[str, Any], kind: str) -> Truth:
    compare = OPERATORS.get(str(condition.get("operator", "")).strip())
    threshold = condition.get("value")
    if compare is None or not isinstance(threshold, int | float):
        return unsupported(kind)
    return TRUE if compare(value, threshold) else FALSE


def _codes(condition: Mapping[str, Any], key: str = "values") -> set[str]:
    return {str(value) for value in condition.get(key) or []}


def _member(value: str | None, condition: Mapping[str, Any], fact: str) -> Truth:
    if value is None:
        return unknown(fact)
    return TRUE if str(value) in _codes(condition) else FALSE


def _bool_fact(profile: Profile, name: str) -> Truth:
    value = profile.fact(name)
    if value is None:
        return unknown(name)
    return TRUE if bool(value) else FALSE


def _age(condition: Mapping[str, Any], profile: Profile, _institution: Institution | None) -> Truth:
    if profile.birth_date is None:
        return unknown("birth_date")
    return _compare(age_on(profile.birth_date, profile.today), condition, "age")


def _quotient_familial(condition, profile, _institution) -> Truth:
    monthly = profile.fact("quotient_familial")
    if monthly is None:
        return unknown("quotient_familial")
    amount = monthly * 12 if condition.get("period") == "year" else monthly
    return _compare(amount, condition, "quotient_familial")


def _numeric_fact(name: str) -> Callable[..., Truth]:
    def check(condition, profile, _institution) -> Truth:
        value = profile.fact(name)
        return unknown(name) if value is None else _compare(value, condition, name)

    return check


def _includes_fact(name: str) -> Callable[..., Truth]:
    def check(condition, profile, _institution) -> Truth:
        value = profile.fact(name)
        if value is None:
            return unknown(name)
        return TRUE if str(value) in _codes(condition, "includes") else FALSE

    return check


def _values_fact(name: str) -> Callable[..., Truth]:
    def check(condition, profile, _institution) -> Truth:
        return _member(profile.fact(name), condition, name)

    return check


def _bool(name: str) -> Callable[..., Truth]:
    def check(condition, profile, _institution) -> Truth:
        return _bool_fact(profile, name)

    return check


def _boursier(condition, profile, _institution) -> Truth:
    if profile.boursier is None:
        return unknown("boursier")
    return TRUE if profile.boursier else FALSE


def _situation(condition, profile, _institution) -> Truth:
    """Our own condition (offers published by staff): the situation is one of `values`."""
    if profile.situation is None:
        return unknown("situation")
    return TRUE if profile.situation in _codes(condition) else FALSE


def _excluded_epcis(condition, profile, _institution) -> Truth:
    if profile.epci is None:
        return unknown("commune_insee")
    return FALSE if profile.epci in _codes(condition) else TRUE


def _attached_to_institution(condition, profile, institution) -> Truth:
    """The person lives in the territory of the institution that grants the aid."""
    if institution is None:
        return unsupported("attached_to_institution")
    if institution.kind == "national":
        return TRUE
    if institution.kind == "communes":
        if profile.commune_insee is None:
            return unknown("commune_insee")
        return TRUE if profile.commune_insee in institution.code.split() else FALSE
    field_of_kind = {
        "commune": profile.commune_insee,
        "epci": profile.epci,
        "departement": profile.departement,
        "region": profile.region,
    }
    if institution.kind not in field_of_kind:
        return unsupported("attached_to_institution")
    value = field_of_kind[institution.kind]
    if value is None:
        return unknown("commune_insee")
    return TRUE if value == institution.code else FALSE


def _not(condition, profile, institution) -> Truth:
    inner = condition.get("condition") or condition.get("value")
    if not isinstance(inner, Mapping):
        return unsupported("not")
    truth = evaluate_condition(inner, profile, institution)
    if truth.value is None:
        return truth
    return FALSE if truth.value else TRUE


# Amounts OpenFisca computed for the person (matching/computed.py puts them in the facts, under
# names no answer can take: answers start with a letter). A benefit whose amount is not known yet
# is unknown, for the facts that decide it or, when the calculation is under way, PENDING_FACT.
COMPUTED_FACT = "_openfisca"
COMPUTED_MISSING_FACT = "_openfisca_missing"
PENDING_FACT = "_openfisca_pending"


def _computed(condition, profile, _institution) -> Truth:
    benefit = str(condition.get("benefit") or "")
    # An answer that could change the amount is missing: the amount computed without it is
    # not a verdict (OpenFisca reports 0 where it lacks the rent, say).
    missing = profile.fact(COMPUTED_MISSING_FACT)
    facts = missing.get(benefit) if isinstance(missing, Mapping) else None
    if facts:
        return unknown(*facts)
    amounts = profile.fact(COMPUTED_FACT)
    if isinstance(amounts, Mapping) and benefit in amounts:
        return TRUE if (amounts[benefit] or 0) > 0 else FALSE
    return unknown(PENDING_FACT)


# Geography is asked once, as the commune: region, département and EPCI derive from it.
CONDITIONS: dict[str, Callable[..., Truth]] = {
    "age": _age,
    "regions": lambda c, p, i: _member(p.region, c, "commune_insee"),
    "departements": lambda c, p, i: _member(p.departement, c, "commune_insee"),
    "communes": lambda c, p, i: _member(p.commune_insee, c, "commune_insee"),
    "epcis": lambda c, p, i: _member(p.epci, c, "commune_insee"),
    "excluded_epcis": _excluded_epcis,
    "codes_postaux": lambda c, p, i: _member(p.postal_code, c, "postal_code"),
    "boursier": _boursier,
    "quotient_familial": _quotient_familial,
    "attached_to_institution": _attached_to_institution,
    "annee_etude": _values_fact("annee_etude"),
    "mention_baccalaureat": _values_fact("mention_baccalaureat"),
    "regime_securite_sociale": _includes_fact("regime_securite_sociale"),
    "statut_occupation_logement": _includes_fact("statut_occupation_logement"),
    "formation_sanitaire_social": _bool("formation_sanitaire_social"),
    "beneficiaire_rsa": _bool("beneficiaire_rsa"),
    "difficultes_acces_ou_frais_logement": _bool("difficultes_acces_ou_frais_logement"),
    "agence_travail_temporaire": _bool("agence_travail_temporaire"),
    "situation_handicap": _bool("situation_handicap"),
    "parent": _bool("parent"),
    "taux_incapacite": _numeric_fact("taux_incapacite"),
    "not": _not,
    # Tremplin's own, written from an offer's audience fields (see matching/candidates.py).
    "situation": _situation,
    "qpv": _bool("qpv"),
    "openfisca": _computed,
}
SUPPORTED_CONDITIONS = frozenset(CONDITIONS)


def evaluate_condition(
    condition: Mapping[str, Any], profile: Profile, institution: Institution | None = None
) -> Truth:
    if not isinstance(condition, Mapping):
        return unsupported("malformed")
    kind = str(condition.get("type", ""))
    check = CONDITIONS.get(kind)
    if check is None:
        return unsupported(kind or "malformed")
    return check(condition, profile, institution)


def profile_matches(
    entry: Mapping[str, Any], profile: Profile, institution: Institution | None = None
) -> Truth:
    """One aides-jeunes profile: the person's situation (or fact) matches, and its conditions."""
    if not isinstance(entry, Mapping):
        return unsupported("malformed")
    kind = str(entry.get("type", ""))
    if kind in SITUATION_OF_PROFILE:
        if profile.situation is None:
            matches = unknown("situation")
        else:
            matches = TRUE if profile.situation == SITUATION_OF_PROFILE[kind] else FALSE
    elif kind in FACT_PROFILES:
        matches = _bool_fact(profile, FACT_PROFILES[kind])
    else:
        matches = unsupported(f"profil:{kind}")
    conditions = entry.get("conditions") or []
    return all_of([matches, *(evaluate_condition(c, profile, institution) for c in conditions)])


def evaluate(
    rules: Mapping[str, Any] | None,
    profile: Profile,
    institution: Institution | None = None,
) -> Evaluation:
    """Eligible, not eligible, or maybe (with the facts to ask) for one offer's rules."""
    rules = rules or {}
    general = all_of(
        evaluate_condition(c, profile, institution) for c in rules.get("conditions_generales") or []
    )
    profiles = rules.get("profils") or []
    by_profile = any_of(profile_matches(p, profile, institution) for p in profiles)
    result = all_of([general, by_profile]) if profiles else general
    if result.value is True:
        return Evaluation(Verdict.ELIGIBLE)
    if result.value is False:
        return Evaluation(Verdict.NOT_ELIGIBLE)
    return Evaluation(
        Verdict.MAYBE,
        missing=tuple(sorted(result.missing)),
        unsupported=tuple(sorted(result.unsupported)),
    )


def condition_types(rules: Mapping[str, Any] | None) -> set[str]:
    """Every condition and profile type a rule set uses (for import reports)."""
    rules = rules or {}
    kinds = {
        str(c.get("type"))
        for c in rules.get("conditions_generales") or []
        if isinstance(c, Mapping)
    }
    for entry in rules.get("profils") or []:
        if isinstance(entry, Mapping):
            kinds.add(f"profil:{entry.get('type')}")
            kinds |= {
                str(c.get("type")) for c in entry.get("conditions") or [] if isinstance(c, Mapping)
            }
    return kinds


def unsupported_types(rules: Mapping[str, Any] | None) -> set[str]:
    known = SUPPORTED_CONDITIONS | {f"profil:{k}" for k in (*SITUATION_OF_PROFILE, *FACT_PROFILES)}
    return {kind for kind in condition_types(rules) if kind not in known}
