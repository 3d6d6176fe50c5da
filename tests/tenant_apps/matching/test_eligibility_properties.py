"""Property-based checks of the engine.

1. It agrees with a deliberately naive reference written independently below (strings instead of
   Truth objects, no short-circuit, no shared helpers).
2. A definite verdict is sound: whatever values the unknown facts take, the verdict holds.
3. A "maybe" lists exactly what to ask: once those facts are known, the verdict is definite.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.matching.eligibility import Profile, Verdict, evaluate

TODAY = date(2026, 11, 22)
# (commune, postal code, département, région): geography is known or unknown as a whole.
COMMUNES = [
    ("91286", "91350", "91", "11"),
    ("93053", "93130", "93", "11"),
    ("74010", "74000", "74", "84"),
]
BIRTH_DATES = [date(2012, 5, 1), date(2007, 11, 22), date(2004, 2, 29), date(1999, 1, 1)]
SITUATIONS = ["lyceen", "etudiant", "demandeur_emploi", "salarie", "alternant"]
PROFILE_TYPES = [
    "lyceen",
    "enseignement_superieur",
    "etudiant",
    "chomeur",
    "salarie",
    "professionnalisation",
    "beneficiaire_rsa",
    "spationaute",
]
QF_VALUES = [300, 752, 1200]

conditions = st.one_of(
    st.builds(
        lambda op, v: {"type": "age", "operator": op, "value": v},
        st.sampled_from(["<", "<=", ">", ">=", "="]),
        st.integers(10, 30),
    ),
    st.builds(
        lambda v: {"type": "regions", "values": v},
        st.lists(st.sampled_from(["11", "84", "93"]), max_size=2),
    ),
    st.builds(
        lambda v: {"type": "departements", "values": v},
        st.lists(st.sampled_from(["91", "93", "74"]), max_size=2),
    ),
    st.builds(
        lambda v: {"type": "communes", "values": v},
        st.lists(st.sampled_from([c[0] for c in COMMUNES]), max_size=2),
    ),
    st.builds(
        lambda v: {"type": "codes_postaux", "values": v},
        st.lists(st.sampled_from(["91350", "74000"]), max_size=2),
    ),
    st.just({"type": "boursier"}),
    st.builds(
        lambda op, v: {"type": "quotient_familial", "operator": op, "value": v, "period": "month"},
        st.sampled_from(["<", "<="]),
        st.sampled_from([500, 752, 1000]),
    ),
    st.just({"type": "martian_rule"}),
)
rules_strategy = st.fixed_dictionaries(
    {
        "conditions_generales": st.lists(conditions, max_size=3),
        "profils": st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(PROFILE_TYPES),
                    "conditions": st.lists(conditions, max_size=2),
                }
            ),
            max_size=3,
        ),
    }
)


@st.composite
def profiles(draw) -> Profile:
    commune = draw(st.none() | st.sampled_from(COMMUNES))
    qf = draw(st.none() | st.sampled_from(QF_VALUES))
    rsa = draw(st.none() | st.booleans())
    facts = {
        k: v for k, v in {"quotient_familial": qf, "beneficiaire_rsa": rsa}.items() if v is not None
    }
    return Profile(
        today=TODAY,
        birth_date=draw(st.none() | st.sampled_from(BIRTH_DATES)),
        situation=draw(st.none() | st.sampled_from(SITUATIONS)),
        commune_insee=commune[0] if commune else None,
        postal_code=commune[1] if commune else None,
        departement=commune[2] if commune else None,
        region=commune[3] if commune else None,
        boursier=draw(st.none() | st.booleans()),
        facts=facts,
    )


# The naive reference: every condition to "T", "F" or "U", combined by looking at the lists.

SITUATION = {
    "lyceen": "lyceen",
    "enseignement_superieur": "etudiant",
    "etudiant": "etudiant",
    "chomeur": "demandeur_emploi",
    "salarie": "salarie",
    "professionnalisation": "alternant",
}


def naive_condition(c: dict, p: Profile) -> str:
    t = c["type"]
    if t == "age":
        if p.birth_date is None:
            return "U"
        age = p.today.year - p.birth_date.year
        if (p.today.month, p.today.day) < (p.birth_date.month, p.birth_date.day):
            age -= 1
        op = "==" if c["operator"] == "=" else c["operator"]
        return "T" if eval(f"{age} {op} {c['value']}") else "F"  # noqa: S307 - test-only, our ops
    geo = {
        "regions": p.region,
        "departements": p.departement,
        "communes": p.commune_insee,
        "codes_postaux": p.postal_code,
    }
    if t in geo:
        if geo[t] is None:
            return "U"
        return "T" if geo[t] in c["values"] else "F"
    if t == "boursier":
        return "U" if p.boursier is None else ("T" if p.boursier else "F")
    if t == "quotient_familial":
        qf = p.facts.get("quotient_familial")
        if qf is None:
            return "U"
        return "T" if (qf < c["value"] if c["operator"] == "<" else qf <= c["value"]) else "F"
    return "U"


def naive_and(values: list[str]) -> str:
    return "F" if "F" in values else ("U" if "U" in values else "T")


def naive_profile(entry: dict, p: Profile) -> str:
    t = entry["type"]
    if t in SITUATION:
        head = "U" if p.situation is None else ("T" if p.situation == SITUATION[t] else "F")
    elif t == "beneficiaire_rsa":
        rsa = p.facts.get("beneficiaire_rsa")
        head = "U" if rsa is None else ("T" if rsa else "F")
    else:
        head = "U"
    return naive_and([head] + [naive_condition(c, p) for c in entry["conditions"]])


def naive_evaluate(rules: dict, p: Profile) -> Verdict:
    general = naive_and([naive_condition(c, p) for c in rules["conditions_generales"]])
    if rules["profils"]:
        results = [naive_profile(e, p) for e in rules["profils"]]
        by_profile = "T" if "T" in results else ("U" if "U" in results else "F")
        general = naive_and([general, by_profile])
    return {"T": Verdict.ELIGIBLE, "F": Verdict.NOT_ELIGIBLE, "U": Verdict.MAYBE}[general]


# Filling in unknown facts.

FILLERS = {
    "birth_date": lambda p, v: replace(p, birth_date=v),
    "situation": lambda p, v: replace(p, situation=v),
    "boursier": lambda p, v: replace(p, boursier=v),
    "commune_insee": lambda p, c: replace(
        p, commune_insee=c[0], postal_code=c[1], departement=c[2], region=c[3]
    ),
    "postal_code": lambda p, c: replace(
        p, commune_insee=c[0], postal_code=c[1], departement=c[2], region=c[3]
    ),
    "quotient_familial": lambda p, v: replace(p, facts={**p.facts, "quotient_familial": v}),
    "beneficiaire_rsa": lambda p, v: replace(p, facts={**p.facts, "beneficiaire_rsa": v}),
}
DOMAINS = {
    "birth_date": BIRTH_DATES,
    "situation": SITUATIONS,
    "boursier": [True, False],
    "commune_insee": COMMUNES,
    "postal_code": COMMUNES,
    "quotient_familial": QF_VALUES,
    "beneficiaire_rsa": [True, False],
}


def unknown_facts(p: Profile) -> list[str]:
    names = []
    if p.birth_date is None:
        names.append("birth_date")
    if p.situation is None:
        names.append("situation")
    if p.boursier is None:
        names.append("boursier")
    if p.commune_insee is None:
        names.append("commune_insee")
    names += [n for n in ("quotient_familial", "beneficiaire_rsa") if n not in p.facts]
    return names


def completions(p: Profile, names: list[str]):
    for values in itertools.product(*(DOMAINS[name] for name in names)):
        filled = p
        for name, value in zip(names, values, strict=True):
            filled = FILLERS[name](filled, value)
        yield filled


@settings(max_examples=400, deadline=None)
@given(rules=rules_strategy, profile=profiles())
def test_engine_agrees_with_the_naive_reference(rules, profile):
    assert evaluate(rules, profile).verdict == naive_evaluate(rules, profile)


@settings(max_examples=200, deadline=None)
@given(rules=rules_strategy, profile=profiles())
def test_definite_verdicts_hold_whatever_the_unknown_facts(rules, profile):
    verdict = evaluate(rules, profile).verdict
    if verdict == Verdict.MAYBE:
        return
    for filled in completions(profile, unknown_facts(profile)):
        assert evaluate(rules, filled).verdict == verdict


@settings(max_examples=200, deadline=None)
@given(rules=rules_strategy, profile=profiles())
def test_answering_the_missing_facts_settles_a_maybe(rules, profile):
    result = evaluate(rules, profile)
    if result.verdict != Verdict.MAYBE or result.unsupported:
        return
    for filled in completions(profile, list(result.missing)):
        assert evaluate(rules, filled).verdict != Verdict.MAYBE
