"""`make bench BENCH_ARGS=…`: a path runs just that benchmark; options alone run them all."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from tremplin.devstack import REPO_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def bench_command(bench_args: str) -> list[str]:
    """The pytest command line `make bench` would run (make -n prints it, runs nothing)."""
    out = subprocess.run(
        ["make", "-n", "-s", "bench", f"BENCH_ARGS={bench_args}", "STAMP=Makefile"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if "pytest" in line)
    return line.split()


def test_a_file_runs_only_that_file():
    words = bench_command("tests/bench/bench_fleet.py")
    assert "tests/bench/bench_fleet.py" in words
    assert "tests/bench" not in words


def test_a_test_id_runs_only_that_test():
    words = bench_command("tests/bench/bench_fleet.py::test_fleet_migration_benchmark -x")
    assert "tests/bench/bench_fleet.py::test_fleet_migration_benchmark" in words
    assert "tests/bench" not in words


def test_options_alone_run_every_benchmark():
    assert "tests/bench" in bench_command("")
    words = bench_command("-k fleet")
    assert "tests/bench" in words and words[-2:] == ["-k", "fleet"]
