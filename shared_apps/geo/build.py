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


QPV_COLUMNS = ("code", "label", "communes", "lat", "lon")


def _ring_area_centroid(ring: list) -> tuple[float, float, float]:
    """Signed area and area-weighted centroid sums of one lon/lat ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return area / 2, cx / 6, cy / 6


def polygon_centroid(multipolygon: list) -> tuple[float, float]:
    """(lat, lon) centroid of a GeoJSON-style MultiPolygon in lon/lat, holes subtracted.

    Planar on degrees: at a neighbourhood's scale the distortion is far below a street's width.
    """
    total = sx = sy = 0.0
    points: list[tuple[float, float]] = []
    for polygon in multipolygon:
        for index, ring in enumerate(polygon):
            coords = [(float(p[0]), float(p[1])) for p in ring]
            if len(coords) < 3:
                continue
            points.extend(coords)
            area, cx, cy = _ring_area_centroid(coords)
            # Outer rings add, holes subtract, whatever their winding in the source.
            sign = 1 if index == 0 else -1
            if area < 0:
                area, cx, cy = -area, -cx, -cy
            total += sign * area
            sx += sign * cx
            sy += sign * cy
    if total > 0:
        return sy / total, sx / total
    if not points:
        raise ValueError("empty geometry")
    return sum(p[1] for p in points) / len(points), sum(p[0] for p in points) / len(points)


def build_qpv_reference(*, source_path: Path, out_path: Path) -> int:
    """Write the deterministic gzip CSV of QPV (code, label, communes, centroid); return rows."""
    source_path, out_path = Path(source_path), Path(out_path)
    if not source_path.is_file():
        raise ValueError(f"Missing source file: {source_path}")
    try:
        data = json.loads(gzip.decompress(source_path.read_bytes()).decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"Malformed source file {source_path}: {exc}") from exc
    qpvs = data.get("qpvs") if isinstance(data, dict) else None
    if not isinstance(qpvs, list):
        raise ValueError(f"Malformed source file {source_path}: expected a 'qpvs' list")
    rows = []
    for index, qpv in enumerate(qpvs):
        if not isinstance(qpv, dict) or any(key not in qpv for key in ("code", "label", "insee")):
            raise ValueError(f"Malformed source file {source_path}: QPV {index} lacks a field")
        try:
            lat, lon = polygon_centroid(qpv.get("g") or [])
        except (TypeError, ValueError, IndexError) as exc:
            raise ValueError(
                f"Malformed source file {source_path}: QPV {qpv['code']} geometry: {exc}"
            ) from exc
        communes = sorted({str(code) for code in qpv["insee"]})
        rows.append(
            (
                str(qpv["code"]),
                " ".join(str(qpv["label"]).split()),
                " ".join(communes),
                f"{lat:.5f}",
                f"{lon:.5f}",
            )
        )
    rows.sort()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(QPV_COLUMNS)
    writer.writerows(rows)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = out_path.with_name(out_path.name + ".tmp")
    tmp_path.write_bytes(buffer.getvalue())
    tmp_path.replace(out_path)
    return len(rows)
