"""The eligibility engine, example by example."""

from __future__ import annotations

from datetime import date

import pytest

from tenant_apps.matching.eligibility import (
    Institution,
    Profile,
    Verdict,
    evaluate,
    unsupported_types,
)

TODAY = date(2026, 11, 22)
GRIGNY = dict(
    commune_insee="91286", postal_code="91350", departement="91", region="11", epci="200059228"
)


def person(**facts) -> Profile:
    extra = facts.pop("facts", {})
    return Profile(today=TODAY, facts=extra, **facts)


def born(age: int) -> date:
    return date(TODAY.year - age, 1, 1)


AGE_16_25 = {
    "conditions_generales": [
        {"type": "age", "operator": ">=", "value": 16},
        {"type": "age", "operator": "<=", "value": 25},
    ]
}


@pytest.mark.parametrize(
    ("age", "verdict"),
    [
        (15, Verdict.NOT_ELIGIBLE),
        (16, Verdict.ELIGIBLE),
        (25, Verdict.ELIGIBLE),
        (26, Verdict.NOT_ELIGIBLE),
    ],
)
def test_age_bounds(age, verdict):
    assert evaluate(AGE_16_25, person(birth_date=born(age))).verdict == verdict


def test_age_counts_the_birthday():
    rules = {"conditions_generales": [{"type": "age", "operator": ">=", "value": 18}]}
    assert evaluate(rules, person(birth_date=date(2008, 11, 22))).verdict == Verdict.ELIGIBLE
    assert evaluate(rules, person(birth_date=date(2008, 11, 23))).verdict == Verdict.NOT_ELIGIBLE


def test_unknown_age_is_maybe_and_asks_for_the_birth_date():
    result = evaluate(AGE_16_25, person())
    assert result.verdict == Verdict.MAYBE and result.missing == ("birth_date",)


def test_a_false_condition_wins_over_unknown_ones():
    rules = {
        "conditions_generales": [
            {"type": "age", "operator": "<", "value": 26},
            {"type": "departements", "values": ["74"]},
        ]
    }
    assert evaluate(rules, person(**GRIGNY)).verdict == Verdict.NOT_ELIGIBLE


@pytest.mark.parametrize(
    ("condition", "verdict"),
    [
        ({"type": "regions", "values": ["11"]}, Verdict.ELIGIBLE),
        ({"type": "regions", "values": ["93"]}, Verdict.NOT_ELIGIBLE),  # region 93 ≠ département 93
        ({"type": "departements", "values": ["91", "93"]}, Verdict.ELIGIBLE),
        ({"type": "communes", "values": ["91286"]}, Verdict.ELIGIBLE),
        ({"type": "communes", "values": ["75056"]}, Verdict.NOT_ELIGIBLE),
        ({"type": "epcis", "values": ["200059228"]}, Verdict.ELIGIBLE),
        ({"type": "excluded_epcis", "values": ["200059228"]}, Verdict.NOT_ELIGIBLE),
        ({"type": "excluded_epcis", "values": ["248300543"]}, Verdict.ELIGIBLE),
        ({"type": "codes_postaux", "values": ["91350"]}, Verdict.ELIGIBLE),
    ],
)
def test_geography(condition, verdict):
    assert evaluate({"conditions_generales": [condition]}, person(**GRIGNY)).verdict == verdict


def test_geography_unknown_asks_for_the_commune():
    result = evaluate({"conditions_generales": [{"type": "regions", "values": ["11"]}]}, person())
    assert result.verdict == Verdict.MAYBE and result.missing == ("commune_insee",)


STUDENT_OR_JOBSEEKER = {
    "conditions_generales": [{"type": "age", "operator": "<", "value": 26}],
    "profils": [
        {"type": "enseignement_superieur", "conditions": [{"type": "boursier"}]},
        {"type": "chomeur", "conditions": []},
    ],
}


def test_profiles_match_the_situation():
    jobseeker = person(birth_date=born(19), situation="demandeur_emploi")
    assert evaluate(STUDENT_OR_JOBSEEKER, jobseeker).verdict == Verdict.ELIGIBLE
    employee = person(birth_date=born(19), situation="salarie")
    assert evaluate(STUDENT_OR_JOBSEEKER, employee).verdict == Verdict.NOT_ELIGIBLE


def test_profile_inner_conditions_must_hold():
    student = person(birth_date=born(20), situation="etudiant", boursier=False)
    assert evaluate(STUDENT_OR_JOBSEEKER, student).verdict == Verdict.NOT_ELIGIBLE
    unknown = evaluate(STUDENT_OR_JOBSEEKER, person(birth_date=born(20), situation="etudiant"))
    assert unknown.verdict == Verdict.MAYBE and unknown.missing == ("boursier",)


def test_unknown_situation_asks_the_one_question():
    result = evaluate(STUDENT_OR_JOBSEEKER, person(birth_date=born(20)))
    assert result.verdict == Verdict.MAYBE and "situation" in result.missing


def test_quotient_familial_and_facts():
    rules = {
        "conditions_generales": [
            {"type": "quotient_familial", "operator": "<=", "value": 752, "period": "month"},
            {"type": "regime_securite_sociale", "includes": ["regime_general"]},
        ]
    }
    facts = {"quotient_familial": 600, "regime_securite_sociale": "regime_general"}
    assert evaluate(rules, person(facts=facts)).verdict == Verdict.ELIGIBLE
    facts["quotient_familial"] = 900
    assert evaluate(rules, person(facts=facts)).verdict == Verdict.NOT_ELIGIBLE
    assert evaluate(rules, person()).missing == ("quotient_familial", "regime_securite_sociale")


def test_fact_profiles():
    rules = {"profils": [{"type": "beneficiaire_rsa"}]}
    assert evaluate(rules, person(facts={"beneficiaire_rsa": True})).verdict == Verdict.ELIGIBLE
    assert evaluate(rules, person(facts={"beneficiaire_rsa": False})).verdict == (
        Verdict.NOT_ELIGIBLE
    )


def test_attached_to_institution_uses_the_granting_territory():
    rules = {"conditions_generales": [{"type": "attached_to_institution"}]}
    assert evaluate(rules, person(**GRIGNY), Institution("commune", "91286")).verdict == (
        Verdict.ELIGIBLE
    )
    assert evaluate(rules, person(**GRIGNY), Institution("departement", "93")).verdict == (
        Verdict.NOT_ELIGIBLE
    )
    without = evaluate(rules, person(**GRIGNY))
    assert without.verdict == Verdict.MAYBE and without.unsupported == ("attached_to_institution",)


def test_not_negates():
    rules = {
        "conditions_generales": [
            {"type": "not", "condition": {"type": "departements", "values": ["91"]}}
        ]
    }
    assert evaluate(rules, person(**GRIGNY)).verdict == Verdict.NOT_ELIGIBLE


@pytest.mark.parametrize(
    "rules",
    [
        {"conditions_generales": [{"type": "martian_rule", "value": 3}]},
        {"conditions_generales": [{"type": "age", "operator": "~", "value": 3}]},
        {"conditions_generales": ["not a mapping"]},
        {"profils": [{"type": "astronaute"}]},
    ],
)
def test_unknown_or_malformed_rules_are_maybe_never_a_crash(rules):
    result = evaluate(rules, person(birth_date=born(20), situation="etudiant"))
    assert result.verdict == Verdict.MAYBE and result.unsupported


def test_no_rules_means_everyone():
    assert evaluate({}, person()).verdict == Verdict.ELIGIBLE
    assert evaluate(None, person()).verdict == Verdict.ELIGIBLE


def test_unsupported_types_are_reported():
    rules = {
        "conditions_generales": [{"type": "age"}, {"type": "martian_rule"}],
        "profils": [{"type": "astronaute", "conditions": [{"type": "enfants_eligibles"}]}],
    }
    assert unsupported_types(rules) == {"martian_rule", "profil:astronaute", "enfants_eligibles"}


def test_an_openfisca_amount_decides_its_benefit():
    from tenant_apps.matching.eligibility import (
        COMPUTED_FACT,
        COMPUTED_MISSING_FACT,
        PENDING_FACT,
    )

    rules = {"conditions_generales": [{"type": "openfisca", "benefit": "aide_logement"}]}
    computed = Profile(today=TODAY, facts={COMPUTED_FACT: {"aide_logement": 212.0}})
    assert evaluate(rules, computed).verdict == Verdict.ELIGIBLE
    zero = Profile(today=TODAY, facts={COMPUTED_FACT: {"aide_logement": 0.0}})
    assert evaluate(rules, zero).verdict == Verdict.NOT_ELIGIBLE
    asked = Profile(today=TODAY, facts={COMPUTED_MISSING_FACT: {"aide_logement": ["rent_monthly"]}})
    assert evaluate(rules, asked).missing == ("rent_monthly",)
    assert evaluate(rules, Profile(today=TODAY)).missing == (PENDING_FACT,)
    # Any other false condition (an age) settles it whatever the amount.
    rules["conditions_generales"].append({"type": "age", "operator": "<", "value": 18})
    assert evaluate(rules, Profile(today=TODAY, birth_date=born(22))).verdict == (
        Verdict.NOT_ELIGIBLE
    )
