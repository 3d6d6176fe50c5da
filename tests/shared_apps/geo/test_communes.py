"""Tests for the shipped French communes reference (pure pytest, no database)."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import re
from pathlib import Path

import pytest

from shared_apps.geo.build import build_communes_reference
from shared_apps.geo.communes import DATA_PATH, Commune, commune_get, commune_search, normalize_name

SOURCE_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "communes"
needs_source = pytest.mark.skipif(
    not SOURCE_DIR.is_dir(), reason=f"communes source folder not available: {SOURCE_DIR}"
)


def _rank(commune: Commune, query: str) -> int:
    """Return the expected name rank: 0 exact, 1 starts with, 2 contains."""
    name = normalize_name(commune.name)
    return 0 if name == query else 1 if name.startswith(query) else 2


def _source_commune(code: str, nom: str, dep: str, reg: str, **extra: object) -> dict:
    """Return one communes.json row (a current commune unless type is given)."""
    return {
        "code": code,
        "nom": nom,
        "departement": dep,
        "region": reg,
        "type": "commune-actuelle",
    } | extra


def _write_sources(folder: Path) -> None:
    """Write a tiny but complete set of source JSON files."""
    communes = [
        _source_commune(
            "93053", "Noisy-le-Sec", "93", "11", codesPostaux=["93130"], population=45510
        ),
        _source_commune(
            "13055", "Marseille", "13", "93", codesPostaux=["13001", "13002"], population=870000
        ),
        _source_commune(
            "13201",
            "Marseille 1er Arrondissement",
            "13",
            "93",
            type="arrondissement-municipal",
            commune="13055",
            codesPostaux=["13001"],
            population=37599,
        ),
        _source_commune("55039", "Beaumont-en-Verdunois", "55", "44"),
        _source_commune("93099", "Ancienne", "93", "11", type="commune-deleguee"),
    ]
    epci = [
        {
            "code": "200054807",
            "nom": "Métropole d'Aix-Marseille-Provence",
            "membres": [{"code": "13055"}],
        },
        {"code": "200054781", "nom": "Métropole du Grand Paris", "membres": [{"code": "93053"}]},
    ]
    departements = [
        {"code": "13", "nom": "Bouches-du-Rhône"},
        {"code": "55", "nom": "Meuse"},
        {"code": "93", "nom": "Seine-Saint-Denis"},
    ]
    regions = [
        {"code": "11", "nom": "Île-de-France"},
        {"code": "44", "nom": "Grand Est"},
        {"code": "93", "nom": "Provence-Alpes-Côte d'Azur"},
    ]
    for name, data in (
        ("communes.json", communes),
        ("epci.json", epci),
        ("departements.json", departements),
        ("regions.json", regions),
    ):
        (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_grigny() -> None:
    """Grigny (Essonne) is fully described."""
    grigny = commune_get("91286")
    assert grigny is not None
    assert grigny.name == "Grigny"
    assert (grigny.departement, grigny.departement_name) == ("91", "Essonne")
    assert (grigny.region, grigny.region_name) == ("11", "Île-de-France")
    assert "91350" in grigny.postal_codes
    assert grigny.population > 20000
    assert re.fullmatch(r"\d{9}", grigny.epci)
    assert grigny.epci_name


def test_gennevilliers_and_noisy_le_sec() -> None:
    """Other pilot cities resolve with their department and postal code."""
    gennevilliers = commune_get("92036")
    noisy = commune_get("93053")
    assert gennevilliers is not None and noisy is not None
    assert (gennevilliers.name, gennevilliers.departement) == ("Gennevilliers", "92")
    assert "92230" in gennevilliers.postal_codes
    assert (noisy.name, noisy.departement) == ("Noisy-le-Sec", "93")
    assert "93130" in noisy.postal_codes
    assert gennevilliers.epci == noisy.epci  # both in the Métropole du Grand Paris


def test_get_tolerates_whitespace_and_corsica_case() -> None:
    """Surrounding whitespace is ignored and Corsican codes are case-insensitive."""
    assert commune_get(" 91286\n") == commune_get("91286")
    ajaccio = commune_get("2a004")
    assert ajaccio is not None and ajaccio.name == "Ajaccio"


@pytest.mark.parametrize(
    "code", ["", "   ", "abc", "9128", "912860", "99999", "91 286", None, 91286]
)
def test_get_unknown_or_malformed_returns_none(code: object) -> None:
    """Unknown, malformed or non-string codes give None."""
    assert commune_get(code) is None  # type: ignore[arg-type]


def test_commune_is_frozen() -> None:
    """Commune values are immutable."""
    grigny = commune_get("91286")
    assert grigny is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        grigny.name = "Other"  # type: ignore[misc]


def test_only_current_communes_and_arrondissements() -> None:
    """Delegated communes are dropped, municipal arrondissements are kept with an EPCI."""
    marseille_1 = commune_get("13201")
    assert marseille_1 is not None and marseille_1.epci
    assert commune_get("75056") is not None  # Paris


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Noisy-le-Sec", "noisy le sec"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Saint\u2011Étienne", "saint etienne"),
        ("  Saint  --  Ouen ", "saint ouen"),
        ("Œuilly", "oeuilly"),
        ("Villeneuve-d\u2019Ascq", "villeneuve d ascq"),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    """Names are lowercased, unaccented and separator-insensitive."""
    assert normalize_name(text) == expected


@pytest.mark.parametrize("query", ["noisy le sec", "Noisy-le-Sec", "NOISY LÉ SEC", "noisy-le sec"])
def test_search_by_name_variants(query: str) -> None:
    """Accents, case and hyphens do not matter."""
    results = commune_search(query)
    assert results and results[0].insee == "93053"


def test_search_by_name_without_accents() -> None:
    """A name typed without accents finds the accented commune."""
    assert "42218" in [c.insee for c in commune_search("saint etienne", limit=5)]
    assert commune_search("gennevilliers")[0].insee == "92036"


def test_search_by_postcode() -> None:
    """A full postcode puts its communes first."""
    assert commune_search("91350")[0].insee == "91286"
    assert commune_search("93130")[0].insee == "93053"
    assert "92036" in [c.insee for c in commune_search("92230")]


def test_search_by_insee_prefix() -> None:
    """A code prefix matches INSEE codes or postcodes starting with it."""
    results = commune_search("9128", limit=50)
    assert "91286" in [c.insee for c in results]
    for commune in results:
        assert commune.insee.startswith("9128") or any(
            code.startswith("9128") for code in commune.postal_codes
        )
    assert commune_search("91286")[0].insee == "91286"


def test_search_ordering_starts_with_then_contains_then_population() -> None:
    """Exact names, then names starting with the query, then containing it; bigger first."""
    query = "grigny"
    results = commune_search(query, limit=50)
    assert [c.insee for c in results[:2]] == ["91286", "62388"]  # both named exactly Grigny
    assert results[2].name == "Grigny-sur-Rhône"
    keys = [(_rank(c, query), -c.population) for c in results]
    assert keys == sorted(keys)
    assert {_rank(c, query) for c in results} == {0, 1, 2}


def test_search_prefers_larger_population() -> None:
    """Among names starting with the query, the largest commune comes first."""
    results = commune_search("noisy", limit=10)
    assert results[0].name == "Noisy-le-Grand"
    assert [c.population for c in results] == sorted((c.population for c in results), reverse=True)


def test_search_limit_and_empty_queries() -> None:
    """Limit is honoured; blank queries and non-positive limits return nothing."""
    assert len(commune_search("saint", limit=7)) == 7
    assert len(commune_search("saint")) == 20
    assert commune_search("") == []
    assert commune_search("  - ' ") == []
    assert commune_search("saint", limit=0) == []
    assert commune_search("zzzzzz") == []


def test_builder_on_small_sources(tmp_path: Path) -> None:
    """The builder filters types, joins names and EPCI, sorts rows and is deterministic."""
    _write_sources(tmp_path)
    first, second = tmp_path / "a.csv.gz", tmp_path / "out" / "b.csv.gz"
    assert build_communes_reference(source_dir=tmp_path, out_path=first) == 4
    assert build_communes_reference(source_dir=tmp_path, out_path=second) == 4
    assert first.read_bytes() == second.read_bytes()
    lines = gzip.decompress(first.read_bytes()).decode("utf-8").splitlines()
    assert lines[0] == (
        "insee,name,departement,departement_name,region,region_name,epci,epci_name,"
        "postal_codes,population"
    )
    assert [line.split(",")[0] for line in lines[1:]] == ["13055", "13201", "55039", "93053"]
    assert lines[1].endswith(",200054807,Métropole d'Aix-Marseille-Provence,13001 13002,870000")
    assert ",200054807," in lines[2]  # arrondissement inherits its parent commune's EPCI
    assert lines[3] == "55039,Beaumont-en-Verdunois,55,Meuse,44,Grand Est,,,,0"


@pytest.mark.parametrize(
    "name", ["communes.json", "epci.json", "departements.json", "regions.json"]
)
def test_builder_missing_file_raises(tmp_path: Path, name: str) -> None:
    """A missing source file raises ValueError naming it."""
    _write_sources(tmp_path)
    (tmp_path / name).unlink()
    with pytest.raises(ValueError, match=re.escape(name)):
        build_communes_reference(source_dir=tmp_path, out_path=tmp_path / "out.csv.gz")
    assert not (tmp_path / "out.csv.gz").exists()


@pytest.mark.parametrize("content", ["{not json", '{"a": 1}', '[{"code": "01"}]'])
def test_builder_malformed_file_raises(tmp_path: Path, content: str) -> None:
    """A malformed source file raises ValueError naming it."""
    _write_sources(tmp_path)
    (tmp_path / "regions.json").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("regions.json")):
        build_communes_reference(source_dir=tmp_path, out_path=tmp_path / "out.csv.gz")


@needs_source
def test_rebuild_is_byte_identical_to_shipped_file(tmp_path: Path) -> None:
    """Rebuilding from the source folder reproduces the shipped file exactly."""
    out = tmp_path / "communes.csv.gz"
    rows = build_communes_reference(source_dir=SOURCE_DIR, out_path=out)
    assert rows > 34000
    assert out.read_bytes() == DATA_PATH.read_bytes()


def test_command_missing_source_raises_command_error(tmp_path: Path) -> None:
    """The management command reports a missing source folder in one line."""
    from django.core.management.base import CommandError

    from shared_apps.geo.management.commands.build_communes_reference import Command

    missing = tmp_path / "nowhere"
    with pytest.raises(CommandError, match="not found") as excinfo:
        Command(stdout=io.StringIO()).handle(source=missing, out=tmp_path / "out.csv.gz")
    assert "\n" not in str(excinfo.value)


def test_command_builds_and_reports_rows(tmp_path: Path) -> None:
    """The management command writes the file and prints the row count."""
    from shared_apps.geo.management.commands.build_communes_reference import Command

    _write_sources(tmp_path)
    stdout = io.StringIO()
    out = tmp_path / "out.csv.gz"
    Command(stdout=stdout).handle(source=tmp_path, out=out)
    assert out.is_file()
    assert "Wrote 4 communes" in stdout.getvalue()
