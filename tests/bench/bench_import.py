"""Import the 431 aides-jeunes benefit files (target ≤ 10 s), then again (everything unchanged).

Run by `make bench` only. Baseline in the same run: only reading and parsing the YAML files.
Skipped when ../shared/data is absent.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tenant_apps.catalogue.importers.aides_jeunes import import_aides_jeunes, read_benefits

BENEFITS = Path(__file__).resolve().parents[3] / "shared/data/aides-jeunes/data/benefits/javascript"
TARGET_SECONDS = 10.0


@pytest.mark.skipif(not BENEFITS.is_dir(), reason=f"{BENEFITS} not found (shared data absent)")
def test_import_aides_jeunes_corpus(db):
    start = time.perf_counter()
    parsed = list(read_benefits(BENEFITS))
    parse_only = time.perf_counter() - start

    start = time.perf_counter()
    first = import_aides_jeunes(path=BENEFITS)
    first_seconds = time.perf_counter() - start

    start = time.perf_counter()
    second = import_aides_jeunes(path=BENEFITS)
    second_seconds = time.perf_counter() - start

    print(f"\n{len(parsed)} files; parse only (baseline): {parse_only:.2f} s")
    ratio = first_seconds / parse_only
    print(f"first import:  {first.summary()} in {first_seconds:.2f} s ({ratio:.1f}x parse)")
    print(f"target: ≤ {TARGET_SECONDS:.0f} s")
    print(f"re-import:     {second.summary()} in {second_seconds:.2f} s")
    for rejection in first.rejections:
        print(f"  rejected {rejection['record']}: {rejection['reason']}")
    assert first.total == len(parsed) == 431
    assert second.unchanged == first.created + first.updated + first.unchanged
    assert second.created == second.updated == 0
