"""The shipped QPV reference: lookups, the builder, and byte-identical rebuilds."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shared_apps.geo.build import build_qpv_reference, polygon_centroid
from shared_apps.geo.qpv import QPV_DATA_PATH, qpv_count, qpv_for_commune, qpv_get

SOURCE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "qpv" / "qpv.json.gz"
needs_source = pytest.mark.skipif(
    not SOURCE.is_file(), reason=f"QPV source not available: {SOURCE}"
)

SQUARE = [[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]]


def _write_source(path: Path, qpvs: list) -> Path:
    path.write_bytes(gzip.compress(json.dumps({"meta": {}, "qpvs": qpvs}).encode()))
    return path


def test_every_fixture_city_has_its_qpv():
    assert qpv_count() == 1584
    assert [q.code for q in qpv_for_commune("91286")] == ["QN09125M", "QN09126M"]
    assert {q.label for q in qpv_for_commune("92036")} >= {"Luth-Fossé", "Agnettes"}
    # Noisy-le-Sec shares some of its QPV with neighbouring communes.
    shared = qpv_get("qn09315m")
    assert shared is not None and "93053" in shared.communes and len(shared.communes) == 3


def test_centroids_sit_inside_their_commune_area():
    grande_borne = qpv_get("QN09125M")
    assert 48.6 < grande_borne.lat < 48.7 and 2.3 < grande_borne.lon < 2.4


def test_unknown_or_malformed_codes_give_nothing():
    assert qpv_for_commune("99999") == ()
    assert qpv_for_commune(None) == ()
    assert qpv_get("nope") is None
    assert qpv_get(42) is None


def test_centroid_subtracts_holes():
    assert polygon_centroid([SQUARE]) == pytest.approx((1.0, 1.0))
    # A hole in the right half pulls the centroid left.
    hole = [[1.5, 0.5], [1.9, 0.5], [1.9, 1.5], [1.5, 1.5], [1.5, 0.5]]
    lat, lon = polygon_centroid([[SQUARE[0], hole]])
    assert lat == pytest.approx(1.0) and lon < 1.0


def test_builder_is_deterministic_and_sorted(tmp_path):
    source = _write_source(
        tmp_path / "qpv.json.gz",
        [
            {"code": "QN2", "label": "Les  Tilleuls", "insee": ["93053", "93048"], "g": [SQUARE]},
            {"code": "QN1", "label": "Centre", "insee": ["91286"], "g": [SQUARE]},
        ],
    )
    first, second = tmp_path / "a.csv.gz", tmp_path / "b.csv.gz"
    assert build_qpv_reference(source_path=source, out_path=first) == 2
    build_qpv_reference(source_path=source, out_path=second)
    assert first.read_bytes() == second.read_bytes()
    lines = gzip.decompress(first.read_bytes()).decode().splitlines()
    assert lines == [
        "code,label,communes,lat,lon",
        "QN1,Centre,91286,1.00000,1.00000",
        "QN2,Les Tilleuls,93048 93053,1.00000,1.00000",
    ]


@pytest.mark.parametrize(
    "payload",
    [
        b"not gzip",
        gzip.compress(b"{not json"),
        gzip.compress(json.dumps({"qpvs": [{"code": "QN1"}]}).encode()),
        gzip.compress(
            json.dumps({"qpvs": [{"code": "Q", "label": "x", "insee": [], "g": []}]}).encode()
        ),
        gzip.compress(json.dumps([1, 2]).encode()),
    ],
)
def test_builder_rejects_bad_sources_with_one_clear_line(tmp_path, payload):
    source = tmp_path / "qpv.json.gz"
    source.write_bytes(payload)
    with pytest.raises(ValueError, match="source file"):
        build_qpv_reference(source_path=source, out_path=tmp_path / "out.csv.gz")
    assert not (tmp_path / "out.csv.gz").exists()


def test_command_reports_a_missing_source(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command("build_qpv_reference", source=tmp_path / "absent.json.gz", out=tmp_path / "o")


@needs_source
def test_rebuild_from_the_real_source_is_byte_identical(tmp_path):
    out = tmp_path / "qpv.csv.gz"
    call_command("build_qpv_reference", source=SOURCE, out=out)
    assert out.read_bytes() == QPV_DATA_PATH.read_bytes()
