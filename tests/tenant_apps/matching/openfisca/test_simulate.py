"""OpenFisca-France amounts for "Mes droits": they follow the person's situation and place."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest
from openfisca_core.simulations import SimulationBuilder

from tenant_apps.matching.openfisca import engine
from tenant_apps.matching.openfisca.corpus import benefit_get
from tenant_apps.matching.openfisca.simulate import (
    LEGISLATION_DATE,
    legislation_date,
    missing_facts,
    place_of,
    simulate,
)
from tenant_apps.matching.openfisca.situation import ProfileValueError

MONTH = "2026-12"
GRIGNY = "91286"
SAINT_DENIS = "93066"


def worker(**overrides):
    """A 23-year-old employee renting an unfurnished flat in Grigny, everything answered."""
    profile = {
        "birth_date": "2003-05-01",
        "situation": "salarie",
        "commune_insee": GRIGNY,
        "boursier": False,
        "net_income_monthly": 1000,
        "housing_status": "locataire_vide",
        "rent_monthly": 600,
        "lives_with_partner": False,
    }
    return {**profile, **overrides}


def value(result, slug):
    return result[slug]["value"]


@pytest.fixture(scope="module", autouse=True)
def _system():
    engine.tax_benefit_system()


def test_aide_logement_falls_as_income_rises_down_to_zero():
    incomes = list(range(0, 2250, 250))
    results = simulate([worker(net_income_monthly=i) for i in incomes], month=MONTH)
    amounts = [value(r, "aide_logement") for r in results]
    assert amounts[0] > 300  # no income, 600 € rent in zone 1
    assert all(a >= b for a, b in itertools.pairwise(amounts)), amounts
    assert len(set(amounts)) > 4, amounts  # it falls step by step, not at one threshold
    assert amounts[-1] == 0
    assert results[0]["aide_logement"] == {"value": amounts[0], "period": "month", "estimate": True}


def test_prime_activite_needs_earnings():
    paid, idle = simulate([worker(), worker(net_income_monthly=0)], month=MONTH)
    assert 100 < value(paid, "ppa") < 400
    assert value(idle, "ppa") == 0


def test_rsa_for_a_25_year_old_without_income():
    at_25, at_25_paid, at_20 = simulate(
        [
            worker(birth_date="2001-03-01", situation="sans_activite", net_income_monthly=0),
            worker(birth_date="2001-03-01", net_income_monthly=2000),
            worker(birth_date="2006-03-01", situation="sans_activite", net_income_monthly=0),
        ],
        month=MONTH,
    )
    assert 400 < value(at_25, "rsa") < 700
    assert value(at_25_paid, "rsa") == 0
    assert value(at_20, "rsa") == 0  # under 25 without the work record of "RSA jeune actif"
    assert value(at_20, "contrat_engagement_jeune") > 0  # the CEJ is for them


def test_a_students_results():
    student = worker(
        birth_date="2005-09-01",
        situation="etudiant",
        boursier=True,
        net_income_monthly=0,
        housing_status="locataire_meuble",
        rent_monthly=450,
    )
    unknown, known = simulate([student, {**student, "parents_income_yearly": 12_000}], month=MONTH)
    assert value(unknown, "aide_logement") > 0
    assert value(unknown, "ppa") == 0
    assert value(unknown, "contrat_engagement_jeune") == 0
    assert value(unknown, "seances_sante_psy_etudiant") > 0
    assert benefit_get("seances_sante_psy_etudiant").unit == "séances"
    # Without the parents' income the bourse is not guessed: 0, and the answer is named.
    assert value(unknown, "bourse_criteres_sociaux") == 0
    assert missing_facts(student)["bourse_criteres_sociaux"] == ["parents_income_yearly"]
    assert value(known, "bourse_criteres_sociaux") > 100
    assert value(known, "crous_logement_eligibilite") == 1.0
    # An employee is never offered the bourse, and is not asked about it.
    assert value(simulate([worker()], month=MONTH)[0], "bourse_criteres_sociaux") == 0
    assert missing_facts(worker())["bourse_criteres_sociaux"] == []


def test_a_batch_equals_one_simulation_per_profile():
    profiles = [
        worker(),
        worker(net_income_monthly=0, housing_status="parents"),
        worker(situation="etudiant", birth_date="2006-01-15", boursier=True),
        worker(situation="demandeur_emploi", net_income_monthly=800, lives_with_partner=True),
        worker(situation="apprenti", birth_date="2008-02-01", net_income_monthly=900),
        worker(situation="collegien", birth_date="2010-10-10", commune_insee=SAINT_DENIS),
        worker(situation="independant", housing_status="locataire_foyer", rent_monthly=380),
        {},
    ]
    batch = simulate(profiles, month=MONTH)
    assert batch == [simulate([p], month=MONTH)[0] for p in profiles]


def test_seine_saint_denis_aid_only_for_people_of_seine_saint_denis():
    pupil = {"birth_date": "2014-09-01", "situation": "collegien", "housing_status": "parents"}
    in_93, in_91 = simulate(
        [{**pupil, "commune_insee": SAINT_DENIS}, {**pupil, "commune_insee": GRIGNY}], month=MONTH
    )
    assert "seine_saint_denis_cheque_reussite" in in_93
    assert value(in_93, "seine_saint_denis_cheque_reussite") > 0
    assert "seine_saint_denis_cheque_reussite" not in in_91
    # An Île-de-France aid is computed for both.
    assert "ile_de_france_aide_achat_voiture_electrique" in in_93
    assert "ile_de_france_aide_achat_voiture_electrique" in in_91
    assert "seine_saint_denis_cheque_reussite" not in missing_facts(
        {**pupil, "commune_insee": GRIGNY}
    )


def test_no_local_aid_outside_its_territory():
    communes = [
        GRIGNY,
        SAINT_DENIS,
        "92002",
        "69123",
        "33063",
        "29019",
        "28085",
        "59122",
        "44109",
        "67482",
        "35238",
        "31555",
        "85191",
        "97414",
        "75056",
        "13055",
    ]
    profiles = [
        worker(commune_insee=c, situation=s, net_income_monthly=i)
        for c in communes
        for s in ("etudiant", "salarie", "demandeur_emploi", "lyceen")
        for i in (0, 900)
    ]
    seen_local = set()
    for profile, result in zip(profiles, simulate(profiles, month=MONTH), strict=True):
        place = place_of(profile["commune_insee"])
        for slug in result:
            benefit = benefit_get(slug)
            if benefit.local:
                seen_local.add(slug)
                assert place.contains(benefit), (slug, profile["commune_insee"])
    assert len(seen_local) > 20


def test_missing_facts_name_the_answers_that_decide():
    settled = missing_facts(worker())
    assert all(names == [] for names in settled.values())
    empty = missing_facts({})
    assert empty["aide_logement"][:3] == ["situation", "birth_date", "housing_status"]
    assert "rent_monthly" in empty["aide_logement"]
    # Rent matters only to someone who rents; a partner's income only to someone with one.
    at_parents = missing_facts({**worker(housing_status="parents"), "rent_monthly": None})
    assert at_parents["aide_logement"] == []
    couple = missing_facts(worker(lives_with_partner=True))
    assert couple["rsa"] == ["partner_net_income_monthly"]


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("net_income_monthly", -5),
        ("net_income_monthly", "beaucoup"),
        ("rent_monthly", float("nan")),
        ("housing_status", "chateau"),
        ("situation", "astronaute"),
        ("birth_date", "2020-13-01"),
        ("commune_insee", "9128"),
        ("lives_with_partner", "peut-etre"),
    ],
)
def test_bad_values_name_their_field(field, bad):
    with pytest.raises(ProfileValueError) as error:
        simulate([worker(**{field: bad})], month=MONTH)
    assert error.value.field == field


def test_legislation_date_is_the_first_of_the_month():
    assert LEGISLATION_DATE.day == 1
    assert legislation_date(date(2026, 12, 17)) == date(2026, 12, 1)


def test_same_amounts_as_openfisca_core_on_a_web_api_situation():
    """The Grigny employee as the OpenFisca web API takes it (a JSON situation), run directly."""
    periods = [f"{y}-{m:02d}" for y in (2023, 2024, 2025, 2026) for m in range(1, 13)]
    net = 1000.0
    person = {
        "date_naissance": {"ETERNITY": "2003-05-01"},
        "salaire_net": {p: net for p in periods},
        "salaire_imposable": {p: round(net * (1 + 0.029 * 0.9825 / 0.78), 2) for p in periods},
        "salaire_de_base": {p: round(net / 0.78, 2) for p in periods},
        "activite": {p: "actif" for p in periods},
        "boursier": {MONTH: False},
    }
    situation = {
        "individus": {"jeune": person},
        "familles": {
            "f": {"parents": ["jeune"], "aide_logement": {MONTH: None}, "ppa": {MONTH: None}}
        },
        "foyers_fiscaux": {"ff": {"declarants": ["jeune"]}},
        "menages": {
            "m": {
                "personne_de_reference": ["jeune"],
                "depcom": {p: GRIGNY for p in periods},
                "statut_occupation_logement": {p: "locataire_vide" for p in periods},
                "loyer": {p: 600.0 for p in periods},
            }
        },
    }
    system = engine.tax_benefit_system()
    direct = SimulationBuilder().build_from_entities(system, situation)
    ours = simulate([worker()], month=MONTH)[0]
    for variable in ("aide_logement", "ppa"):
        expected = float(np.asarray(direct.calculate(variable, MONTH))[0])
        assert ours[variable]["value"] == pytest.approx(expected, abs=1.0), variable
