"""OpenFisca-France amounts for "Mes droits": batch throughput, one new profile, cold load.

Run by `make bench` only (or: pytest tests/bench/bench_openfisca.py -p no:randomly -s -q
-o python_files='bench_*.py'). Printed, against the targets of issue 17:
- cold load of the tax-benefit system in a fresh process, and its first simulation;
- BENCH_OPENFISCA_PROFILES profiles (default 10,000) in one batch, as the worker and the nightly
  run do (target ≤ 60 s on the 2-core machine);
- one new profile alone on a warm system, as after a profile edit (target ≤ 3 s).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tenant_apps.matching.openfisca import engine
from tenant_apps.matching.openfisca.simulate import simulate, warm_up
from tenant_apps.matching.openfisca.situation import HOUSING_STATUSES, RENTED, SITUATIONS

N_PROFILES = int(os.environ.get("BENCH_OPENFISCA_PROFILES", 10_000))
MONTH = "2026-12"
ROOT = Path(__file__).resolve().parents[2]
# Grigny, Saint-Denis, Noisy-le-Sec, Gennevilliers, Antony, Lyon, Bordeaux, Brest, Chartres,
# Nantes, Strasbourg, Rennes, Toulouse, La Roche-sur-Yon, Saint-Louis (La Réunion), Marseille.
COMMUNES = [
    "91286",
    "93066",
    "93053",
    "92036",
    "92002",
    "69123",
    "33063",
    "29019",
    "28085",
    "44109",
    "67482",
    "35238",
    "31555",
    "85191",
    "97414",
    "13055",
]


def _profile(rng: random.Random) -> dict:
    """A plausible young person; about one answer in ten left unknown."""
    housing = rng.choice(HOUSING_STATUSES)
    born = f"{rng.randint(2001, 2011)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    profile = {
        "birth_date": born,
        "situation": rng.choice(SITUATIONS),
        "commune_insee": rng.choice(COMMUNES),
        "boursier": rng.random() < 0.3,
        "net_income_monthly": rng.choice([0, 0, 300, 600, 900, 1200, 1500, 2000]),
        "housing_status": housing,
        "rent_monthly": rng.randint(250, 900) if housing in RENTED else None,
        "lives_with_partner": rng.random() < 0.15,
    }
    for name in list(profile):
        if rng.random() < 0.1:
            profile[name] = None
    return profile


def test_cold_load():
    code = (
        "import time; t = time.perf_counter()\n"
        "from tenant_apps.matching.openfisca import engine, simulate\n"
        "engine.tax_benefit_system(); load = time.perf_counter() - t\n"
        "t = time.perf_counter(); simulate.simulate([{}]); first = time.perf_counter() - t\n"
        "print(f'{load:.2f} {first:.2f}')\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    load, first = float(out[-2]), float(out[-1])
    print(f"\ncold: tax-benefit system {load:.1f} s, then first simulation {first:.1f} s")


@pytest.fixture(scope="module")
def warm():
    t = time.perf_counter()
    engine.tax_benefit_system()
    warm_up()
    print(f"\nwarm-up in this process: {time.perf_counter() - t:.1f} s")


def test_batch(warm):
    rng = random.Random(17)
    profiles = [_profile(rng) for _ in range(N_PROFILES)]
    t = time.perf_counter()
    results = simulate(profiles, month=MONTH)
    elapsed = time.perf_counter() - t
    eligible = sum(1 for r in results for v in r.values() if v["value"] > 0)
    print(
        f"\nbatch: {N_PROFILES} profiles in {elapsed:.1f} s "
        f"({1000 * elapsed / N_PROFILES:.2f} ms/profile, {eligible} non-zero results) "
        f"target ≤ 60 s"
    )
    assert len(results) == N_PROFILES


def test_one_new_profile(warm):
    rng = random.Random(2026)
    samples = []
    for _ in range(7):
        profile = _profile(rng)
        t = time.perf_counter()
        simulate([profile], month=MONTH)
        samples.append(time.perf_counter() - t)
    print(
        f"\none new profile: p50 {statistics.median(samples):.2f} s, max {max(samples):.2f} s "
        f"over {len(samples)} (target ≤ 3 s)"
    )
