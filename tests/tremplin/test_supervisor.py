"""tremplin.supervisor with small real processes: restarts with back-off, stops every process
of every group, and stops what a killed supervisor left behind."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from tremplin.supervisor import TOKEN_VARIABLE, Supervisor, group_members, stop_leftovers

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)")

DIES_AT_ONCE = [sys.executable, "-c", "raise SystemExit(3)"]
SLEEPS = [sys.executable, "-c", "import time; time.sleep(60)"]
# A leader that ignores SIGTERM and a grandchild in its group that ignores it too.
STUBBORN = [
    sys.executable,
    "-c",
    "import signal, subprocess, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "subprocess.Popen([sys.executable, '-c', 'import signal, time; "
    "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)'])\n"
    "time.sleep(60)",
]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wait_until(predicate, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_dying_child_is_restarted_with_a_doubling_delay_reset_once_stable():
    clock, lines = Clock(), []
    supervisor = Supervisor(log=lines.append, clock=clock, backoff_max=8)
    child = supervisor.start("worker", *DIES_AT_ONCE)
    delays = []
    try:
        for _ in range(5):
            wait_until(lambda: child.process.poll() is not None)
            supervisor.check()
            delays.append(child.restart_at - clock.now)
            clock.now = child.restart_at
            supervisor.check()  # restarts it
        assert delays == [1, 2, 4, 8, 8]
        assert "worker (pid" in lines[0] and "exited with status 3; restarting in 1 s" in lines[0]
        assert lines[1] == f"up: worker restarted (pid {supervisor.children[0].groups[1]})."
        # A child that ran a stable minute starts again from the first delay.
        wait_until(lambda: child.process.poll() is not None)
        clock.now += 61
        supervisor.check()
        assert child.restart_at - clock.now == 1
    finally:
        supervisor.stop(grace=1)


def test_stop_ends_every_process_of_every_group_even_those_ignoring_sigterm(tmp_path):
    supervisor = Supervisor(state_file=tmp_path / "children", log=lambda line: None)
    stubborn = supervisor.start("web", *STUBBORN)
    calm = supervisor.start("beat", *SLEEPS)
    wait_until(lambda: len(group_members(stubborn.pid)) == 2)  # the grandchild is up
    started = time.monotonic()
    supervisor.stop(grace=0.5)
    assert time.monotonic() - started < 5
    assert group_members(stubborn.pid) == [] and group_members(calm.pid) == []
    assert supervisor.leftovers() == []
    assert not (tmp_path / "children").exists()
    supervisor.stop(grace=0.5)  # again: nothing to do, nothing raised


def test_a_stopped_supervisor_restarts_nothing():
    supervisor = Supervisor(log=lambda line: None)
    child = supervisor.start("worker", *DIES_AT_ONCE)
    wait_until(lambda: child.process.poll() is not None)
    supervisor.stop(grace=0.5)
    supervisor.check()
    assert child.restart_at is None and child.groups == [child.pid]


# A leader whose group also holds a process without the token (think: a reused group id).
WITH_STRANGER = [
    sys.executable,
    "-c",
    "import subprocess, sys, time\n"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], env={})\n"
    "time.sleep(60)",
]


def test_leftovers_of_a_killed_supervisor_are_stopped_and_nothing_else(tmp_path):
    state = tmp_path / "children"
    supervisor = Supervisor(state_file=state, log=lambda line: None)
    child = supervisor.start("worker", *WITH_STRANGER)
    stubborn = supervisor.start("web", *STUBBORN)
    wait_until(lambda: len(group_members(child.pid)) == 2)
    wait_until(lambda: len(group_members(stubborn.pid)) == 2)
    try:
        assert json.loads(state.read_text())["token"] == supervisor.token  # for the next `up`
        lines: list[str] = []
        # The supervisor "was killed": nothing of it runs; the next one cleans up.
        assert stop_leftovers(state, lines.append, grace=0.5) == 3
        assert group_members(child.pid, supervisor.token) == []
        assert group_members(stubborn.pid) == []
        assert len(group_members(child.pid)) == 1  # the stranger is left alone
        assert lines == ["up: stopped 3 process(es) left running by a previous `up`."]
        assert not state.exists()
        assert stop_leftovers(state, lines.append) == 0
    finally:
        for pid in group_members(child.pid):
            os.kill(pid, signal.SIGKILL)
        supervisor.stop(grace=0.5)


def test_children_carry_the_token_in_their_environment():
    supervisor = Supervisor(log=lambda line: None)
    child = supervisor.start("web", *SLEEPS, env={"PATH": os.environ["PATH"]})
    try:
        environ = Path(f"/proc/{child.pid}/environ")
        wait_until(lambda: environ.read_bytes())  # once exec'd
        assert f"{TOKEN_VARIABLE}={supervisor.token}".encode() in environ.read_bytes().split(b"\0")
    finally:
        os.kill(child.pid, signal.SIGKILL)
        supervisor.stop(grace=0.5)
