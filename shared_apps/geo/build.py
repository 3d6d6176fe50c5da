"""Build the shipped communes reference from @etalab/decoupage-administratif JSON files."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

COLUMNS = (
    "insee",
    "name",
    "departement",
    "departement_name",
    "region",
    "region_name",
    "epci",
    "epci_name",
    "postal_codes",
    "population",
)
KEPT_TYPES = frozenset({"commune-actuelle", "arrondissement-municipal"})


def _load_rows(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    """Load a JSON list of objects, raising ValueError naming the file when unusable."""
    if not path.is_file():
        raise ValueError(f"Missing source file: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"Malformed source file {path}: {exc}") from exc
    if not isinstance(data, list):
        raise ValueError(f"Malformed source file {path}: expected a JSON list")
    for index, row in enumerate(data):
        if not isinstance(row, dict) or any(key not in row for key in required):
            raise ValueError(
                f"Malformed source file {path}: row {index} lacks one of {', '.join(required)}"
            )
    return data


def _epci_by_commune(path: Path) -> dict[str, tuple[str, str]]:
    """Map member commune INSEE code to (EPCI SIREN, EPCI name)."""
    mapping: dict[str, tuple[str, str]] = {}
    for epci in sorted(_load_rows(path, ("code", "nom", "membres")), key=lambda e: e["code"]):
        members = epci["membres"]
        if not isinstance(members, list):
            raise ValueError(f"Malformed source file {path}: EPCI {epci['code']} membres")
        for member in members:
            if not isinstance(member, dict) or "code" not in member:
                raise ValueError(f"Malformed source file {path}: EPCI {epci['code']} member")
            mapping.setdefault(member["code"], (epci["code"], epci["nom"]))
    return mapping


def build_communes_reference(*, source_dir: Path, out_path: Path) -> int:
    """Write the deterministic gzip CSV reference and return the number of rows written."""
    source_dir, out_path = Path(source_dir), Path(out_path)
    communes = _load_rows(
        source_dir / "communes.json", ("code", "nom", "departement", "region", "type")
    )
    departements = {
        d["code"]: d["nom"] for d in _load_rows(source_dir / "departements.json", ("code", "nom"))
    }
    regions = {
        r["code"]: r["nom"] for r in _load_rows(source_dir / "regions.json", ("code", "nom"))
    }
    epcis = _epci_by_commune(source_dir / "epci.json")

    rows = []
    for commune in communes:
        if commune["type"] not in KEPT_TYPES:
            continue
        # Municipal arrondissements (Paris, Lyon, Marseille) inherit their parent commune's EPCI.
        epci = epcis.get(commune["code"]) or epcis.get(commune.get("commune") or "", ("", ""))
        postal_codes = dict.fromkeys(commune.get("codesPostaux") or ())
        rows.append(
            (
                commune["code"],
                commune["nom"],
                commune["departement"],
                departements.get(commune["departement"], ""),
                commune["region"],
                regions.get(commune["region"], ""),
                epci[0],
                epci[1],
                " ".join(postal_codes),
                str(int(commune.get("population") or 0)),
            )
        )
    rows.sort()

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))

    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = out_path.with_name(out_path.name + ".tmp")
    tmp_path.write_bytes(buffer.getvalue())
    tmp_path.replace(out_path)
    return len(rows)
