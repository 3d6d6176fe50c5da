"""Read-only lookup of French communes from the shipped reference file."""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kernel.text import fold

DATA_PATH = Path(__file__).resolve().parent / "data" / "communes.csv.gz"

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015'\u2018\u2019\u02bc`]+")
_CODE_QUERY = re.compile(r"\d[0-9AB]*")


@dataclass(frozen=True, slots=True)
class Commune:
    """One commune (or municipal arrondissement) of the reference."""

    insee: str
    name: str
    departement: str
    departement_name: str
    region: str
    region_name: str
    epci: str
    epci_name: str
    postal_codes: tuple[str, ...]
    population: int


def normalize_name(text: str) -> str:
    """Lowercase, strip accents, turn hyphens/apostrophes into spaces and collapse spaces."""
    return _SEPARATORS.sub(" ", fold(text)).strip()


_Fields = tuple[str, str, str, str, str, str, str, str, tuple[str, ...], int]


@cache
def _reference() -> dict[str, _Fields]:
    """Load the reference once per process as Commune field tuples keyed by INSEE code."""
    text = gzip.decompress(DATA_PATH.read_bytes()).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    next(reader)
    return {row[0]: (*row[:8], tuple(row[8].split()), int(row[9])) for row in reader}


@cache
def _name_index() -> tuple[tuple[str, _Fields], ...]:
    """Normalized names paired with their fields, built on the first name search."""
    return tuple((normalize_name(fields[1]), fields) for fields in _reference().values())


def commune_get(insee: str) -> Commune | None:
    """Return the commune with this exact INSEE code, or None if unknown or malformed."""
    if not isinstance(insee, str):
        return None
    fields = _reference().get(insee.strip().upper())
    return Commune(*fields) if fields else None


def _search_codes(code: str) -> list[tuple[int, int, str, _Fields]]:
    """Rank communes whose INSEE code or one postal code starts with the query."""
    ranked = []
    for fields in _reference().values():
        insee, postal_codes = fields[0], fields[8]
        if insee == code or code in postal_codes:
            rank = 0
        elif insee.startswith(code) or any(p.startswith(code) for p in postal_codes):
            rank = 1
        else:
            continue
        ranked.append((rank, -fields[9], insee, fields))
    return ranked


def _search_names(query: str) -> list[tuple[int, int, str, _Fields]]:
    """Rank communes by name: exact, then starting with, then containing the query."""
    ranked = []
    for name, fields in _name_index():
        if query not in name:
            continue
        rank = 0 if name == query else 1 if name.startswith(query) else 2
        ranked.append((rank, -fields[9], fields[0], fields))
    return ranked


def commune_search(query: str, *, limit: int = 20) -> list[Commune]:
    """Find communes by INSEE code prefix, postal code prefix or accent-insensitive name."""
    if not isinstance(query, str) or limit <= 0:
        return []
    code = query.strip().upper()
    if _CODE_QUERY.fullmatch(code):
        ranked = _search_codes(code)
    else:
        normalized = normalize_name(query)
        ranked = _search_names(normalized) if normalized else []
    ranked.sort(key=lambda item: item[:3])
    return [Commune(*item[3]) for item in ranked[:limit]]


# Municipal arrondissements of Paris, Lyon and Marseille: in the reference next to their
# commune (with its EPCI), they are not members of the EPCI beside it.
_ARRONDISSEMENTS = re.compile(r"^(751(0[1-9]|1\d|20)|6938[1-9]|132(0[1-9]|1[0-6]))$")


def is_arrondissement(insee: str) -> bool:
    return bool(_ARRONDISSEMENTS.match(insee or ""))


@cache
def _epci_index() -> dict[str, tuple[str, ...]]:
    """EPCI SIREN → its communes' INSEE codes, most populous first (arrondissements left out)."""
    members: dict[str, list[_Fields]] = {}
    for fields in _reference().values():
        if fields[6] and not is_arrondissement(fields[0]):
            members.setdefault(fields[6], []).append(fields)
    return {
        epci: tuple(f[0] for f in sorted(rows, key=lambda f: (-f[9], f[0])))
        for epci, rows in members.items()
    }


def epci_communes(epci: str) -> list[str] | None:
    """The communes of an EPCI (SIREN), most populous first; None when no commune has it."""
    if not isinstance(epci, str):
        return None
    codes = _epci_index().get(epci.strip())
    return list(codes) if codes else None


def epci_name(epci: str) -> str:
    """The EPCI's name ("CA de Lens - Liévin"), or "" when unknown."""
    codes = _epci_index().get((epci or "").strip()) if isinstance(epci, str) else None
    return _reference()[codes[0]][7] if codes else ""
