"""Read-only lookup of the priority neighbourhoods (QPV 2024) from the shipped reference file."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

QPV_DATA_PATH = Path(__file__).resolve().parent / "data" / "qpv.csv.gz"


@dataclass(frozen=True, slots=True)
class Qpv:
    """One quartier prioritaire de la politique de la ville."""

    code: str
    label: str
    communes: tuple[str, ...]  # INSEE codes of the communes it spans
    lat: float  # centroid, WGS84
    lon: float


@cache
def _reference() -> dict[str, Qpv]:
    text = gzip.decompress(QPV_DATA_PATH.read_bytes()).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    next(reader)
    return {
        row[0]: Qpv(row[0], row[1], tuple(row[2].split()), float(row[3]), float(row[4]))
        for row in reader
    }


@cache
def _by_commune() -> dict[str, tuple[Qpv, ...]]:
    index: dict[str, list[Qpv]] = {}
    for qpv in _reference().values():
        for insee in qpv.communes:
            index.setdefault(insee, []).append(qpv)
    return {insee: tuple(items) for insee, items in index.items()}


def qpv_get(code: str) -> Qpv | None:
    if not isinstance(code, str):
        return None
    return _reference().get(code.strip().upper())


def qpv_for_commune(insee: str) -> tuple[Qpv, ...]:
    """The QPV touching this commune, sorted by code (empty for an unknown code)."""
    if not isinstance(insee, str):
        return ()
    return _by_commune().get(insee.strip().upper(), ())


def qpv_count() -> int:
    return len(_reference())
