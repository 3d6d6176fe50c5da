"""Each city gets its QPV as neighbourhoods at onboarding, plus an "outside QPV" entry."""

from __future__ import annotations

from datetime import date

from tenant_apps.matching.eligibility import Verdict, evaluate
from tenant_apps.matching.profiles import profile_for_engine
from tenant_apps.youth.models import Neighbourhood, YouthProfile
from tenant_apps.youth.services import neighbourhoods_seed, profile_update
from tenants.context import in_city

from .factories import make_youth

TODAY = date(2026, 11, 22)


def test_onboarding_seeds_the_city_qpv(grigny, gennevilliers):
    with in_city(grigny):
        rows = list(Neighbourhood.objects.values_list("code", "name", "is_qpv"))
        grande_borne = Neighbourhood.objects.get(code="qn09125m")
    assert rows == [
        ("qn09125m", "La Grande Borne", True),
        ("qn09126m", "Grigny 2", True),
        ("hors-qpv", "Hors quartier prioritaire", False),
    ]
    assert 48.6 < grande_borne.latitude < 48.7
    with in_city(gennevilliers):
        codes = set(Neighbourhood.objects.values_list("code", flat=True))
    assert "qn09208m" in codes and "qn09125m" not in codes


def test_seeding_again_changes_nothing_and_keeps_staff_edits(grigny):
    with in_city(grigny):
        Neighbourhood.objects.filter(code="qn09126m").update(name="Grigny 2 (Copropriétés)")
        assert neighbourhoods_seed(commune_insee="91286") == 0
        assert Neighbourhood.objects.count() == 3
        assert Neighbourhood.objects.get(code="qn09126m").name == "Grigny 2 (Copropriétés)"


def test_profile_for_engine_from_a_stored_profile(grigny):
    with in_city(grigny):
        user = make_youth(birth_date=date(2007, 3, 1))
        profile_update(
            user=user,
            data={
                "situation": "demandeur_emploi",
                "commune_insee": "91286",
                "postal_code": "91350",
                "neighbourhood": "qn09125m",
                "freins": ["handicap", "mobilite"],
                "boursier": False,
                "facts": {"quotient_familial": 600},
            },
        )
        engine_profile = profile_for_engine(YouthProfile.objects.get(user=user), TODAY)
    assert engine_profile.birth_date == date(2007, 3, 1)
    assert engine_profile.situation == "demandeur_emploi"
    assert (engine_profile.departement, engine_profile.region) == ("91", "11")
    assert engine_profile.epci  # Grigny belongs to an EPCI
    assert engine_profile.boursier is False
    assert engine_profile.facts == {
        "quotient_familial": 600,
        "situation_handicap": True,
        "qpv": True,
    }
    rules = {
        "conditions_generales": [
            {"type": "departements", "values": ["91"]},
            {"type": "age", "operator": ">=", "value": 18},
        ],
        "profils": [{"type": "chomeur"}],
    }
    assert evaluate(rules, engine_profile).verdict == Verdict.ELIGIBLE


def test_profile_for_engine_from_a_dict_leaves_the_unknown_unknown(grigny):
    with in_city(grigny):
        engine_profile = profile_for_engine(
            {"birth_date": "2008-01-31", "commune_insee": "93053", "neighbourhood": "hors-qpv"},
            TODAY,
        )
        empty = profile_for_engine(None, TODAY)
        garbage = profile_for_engine({"birth_date": "31/01/2008", "commune_insee": "00000"}, TODAY)
    assert engine_profile.birth_date == date(2008, 1, 31)
    assert engine_profile.departement == "93" and engine_profile.situation is None
    assert engine_profile.facts == {"qpv": False}
    assert empty.birth_date is None and empty.commune_insee is None and empty.facts == {}
    assert garbage.birth_date is None and garbage.departement is None
    rules = {"conditions_generales": [{"type": "age", "operator": "<", "value": 26}]}
    assert evaluate(rules, empty).verdict == Verdict.MAYBE
