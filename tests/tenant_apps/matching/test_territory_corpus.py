"""No aid is ever proposed outside its territory: the whole aides-jeunes corpus, several communes.

The expected territory is read straight from each benefit's institution file and its geographic
conditions, independently of the importer; the verdict comes from the importer and the engine.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from shared_apps.geo.communes import commune_get
from tenant_apps.catalogue.importers.aides_jeunes import (
    BenefitLoader,
    import_aides_jeunes,
    load_institutions,
    parse_benefit,
)
from tenant_apps.catalogue.importers.base import RecordRejected
from tenant_apps.matching.candidates import candidates_for_city, effective_rules
from tenant_apps.matching.eligibility import Profile, Verdict, evaluate
from tenant_apps.matching.profiles import match_profile_from_dict
from tenant_apps.matching.rights import rights_for
from tenants.context import in_city

DATA = Path(__file__).resolve().parents[4] / "shared/data/aides-jeunes/data"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is absent")

# Communes in eight départements of six régions, including the three demo cities.
COMMUNES = {
    "91286": "Grigny (Essonne)",
    "92036": "Gennevilliers (Hauts-de-Seine)",
    "93053": "Noisy-le-Sec (Seine-Saint-Denis)",
    "69123": "Lyon (Rhône)",
    "29019": "Brest (Finistère)",
    "38185": "Grenoble (Isère)",
    "45234": "Orléans (Loiret)",
    "62498": "Lens (Pas-de-Calais)",
    "75056": "Paris",
}
GEO_CONDITIONS = {"communes", "epcis", "departements", "regions"}


def _within(kind: str, codes: list[str], commune) -> bool:
    return {
        "communes": commune.insee in codes,
        "epcis": commune.epci in codes,
        "departements": commune.departement in codes,
        "regions": commune.region in codes,
    }[kind]


def expected_inside(data: dict, institution: dict, commune) -> bool:
    """Where the benefit applies, from its own files: the institution's territory and every
    geographic general condition must contain the commune."""
    kind = institution.get("type")
    if kind == "commune" and commune.insee != str(institution.get("code_insee")):
        return False
    if kind == "epci" and commune.epci != str(institution.get("code_siren")):
        return False
    if kind == "departement" and commune.departement != str(institution.get("code_insee")):
        return False
    if kind == "region" and commune.region != str(institution.get("code_insee")):
        return False
    departments = [str(d) for d in institution.get("departments") or []]
    if kind in ("caf", "msa") and departments and commune.departement not in departments:
        return False
    for condition in data.get("conditions_generales") or []:
        if condition.get("type") in GEO_CONDITIONS:
            codes = [str(v) for v in condition.get("values") or []]
            if not _within(condition["type"], codes, commune):
                return False
    return True


def corpus():
    institutions = load_institutions(DATA / "institutions")
    for file in sorted((DATA / "benefits/javascript").glob("*.yml")):
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=BenefitLoader)  # noqa: S506
        try:
            fields = parse_benefit(file.stem, data, institutions)
        except RecordRejected:
            continue
        yield file.stem, data, institutions.get(str(data.get("institution")), {}), fields


def test_no_benefit_of_the_corpus_is_proposed_outside_its_territory():
    today = date(2026, 12, 1)
    outside = inside = 0
    wrong = []
    benefits = list(corpus())
    assert len(benefits) == 431
    for insee in COMMUNES:
        commune = commune_get(insee)
        # A person who said only where they live: every other fact is unknown, so a verdict of
        # "not eligible" can only come from a condition that is false, here the territory.
        person = Profile(
            today=today,
            commune_insee=commune.insee,
            departement=commune.departement,
            region=commune.region,
            epci=commune.epci,
        )
        for slug, data, institution, fields in benefits:
            offer = SimpleNamespace(**{k: fields[k] for k in ("age_min", "age_max")})
            offer.situations, offer.qpv_only = fields["situations"], False
            rules = effective_rules(offer, fields["eligibility"])
            verdict = evaluate(rules, person, None).verdict
            if expected_inside(data, institution, commune):
                inside += 1
            else:
                outside += 1
                if verdict != Verdict.NOT_ELIGIBLE:
                    wrong.append(f"{slug} proposed in {COMMUNES[insee]} ({verdict})")
    assert not wrong, wrong[:20]
    assert outside > 2000 and inside > 250  # the test really covers local aids both ways


def test_a_grigny_student_sees_no_aid_of_another_territory(grigny):
    report = import_aides_jeunes(path=DATA / "benefits/javascript")
    assert report.rejected == 0
    essonne = commune_get("91286")
    by_title = {fields["title"]: (data, institution) for _, data, institution, fields in corpus()}
    with in_city(grigny):
        profile = match_profile_from_dict(
            {"birth_date": "2006-03-01", "situation": "etudiant", "commune_insee": "91286"},
            today=date(2026, 12, 1),
            city=grigny,
        )
        rights = rights_for(profile=profile, candidates=candidates_for_city(grigny))
    proposed = [c.title for c in rights.eligible] + [m.candidate.title for m in rights.maybe]
    assert proposed
    elsewhere = [
        title
        for title in proposed
        if title in by_title and not expected_inside(*by_title[title], essonne)
    ]
    assert not elsewhere, elsewhere
    lowered = " ".join(proposed).lower()
    for foreign in ("freevélo", "mobi-centre", "brest", "grenoble"):
        assert foreign not in lowered
