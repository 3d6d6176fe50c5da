"""The computed benefits against the aides-jeunes corpus and the installed OpenFisca."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tenant_apps.matching.openfisca import engine
from tenant_apps.matching.openfisca.corpus import BENEFITS, EXCLUDED, computed_benefits

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "aides-jeunes" / "data"
ENTITIES = {"individus": "individu", "familles": "famille", "menages": "menage"}
PERIODS = {"thisMonth": "month", "thisYear": "year"}


def _load(path: Path) -> dict:
    # BaseLoader: one corpus file has `operator: =`, which YAML 1.1 reads as a tag.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # noqa: S506


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    folder = DATA / "benefits" / "openfisca"
    if not folder.is_dir():
        pytest.skip("../shared/data/aides-jeunes is not here")
    return {path.stem: _load(path) for path in sorted(folder.glob("*.yml"))}


def test_every_corpus_benefit_is_computed_or_excluded_with_a_reason(corpus):
    computed = {b.slug for b in BENEFITS}
    assert not computed & set(EXCLUDED)
    assert set(corpus) == computed | set(EXCLUDED)
    assert all(reason for reason in EXCLUDED.values())


def test_variable_entity_and_period_match_the_corpus(corpus):
    for benefit in BENEFITS:
        entry = corpus[benefit.slug]
        assert benefit.variable == entry.get("openfisca_eligibility_source", benefit.slug)
        assert benefit.entity == ENTITIES[entry["entity"]], benefit.slug
        assert benefit.period == PERIODS[entry["openfiscaPeriod"]], benefit.slug


def test_territories_are_the_institutions_ones(corpus):
    for benefit in BENEFITS:
        institution = _load(DATA / "institutions" / f"{corpus[benefit.slug]['institution']}.yml")
        if benefit.territory is None:
            assert institution["type"] not in {"commune", "epci", "departement", "region"}
            continue
        assert benefit.territory.kind == institution["type"], benefit.slug
        code = institution["code_siren" if benefit.territory.kind == "epci" else "code_insee"]
        assert benefit.territory.code == code, benefit.slug


def test_the_installed_system_defines_every_benefit_and_local_ones_come_from_france_local():
    system = engine.tax_benefit_system()
    france = engine.france_variables()
    assert computed_benefits() == BENEFITS
    for benefit in BENEFITS:
        variable = system.variables[benefit.variable]
        assert variable.entity.key == benefit.entity
        assert variable.definition_period == benefit.period
        assert (benefit.variable not in france) == benefit.local, benefit.slug
        assert benefit.local == (benefit.territory is not None), benefit.slug
