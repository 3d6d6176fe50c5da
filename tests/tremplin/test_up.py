"""`manage.py up` for real, fast: on the tests' database and Redis (set in its environment, so
it starts no embedded server), a free port, its own var directory, queue and cache keys.

A worker killed with SIGKILL is restarted; two SIGTERMs, as `make` forwards them, stop
everything: no process carrying this `up`'s token is left anywhere. The slow faults (a fresh
./var, killing Redis, PostgreSQL or `up` itself) are in `make chaos` (tests/chaos).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from tremplin.devstack import REPO_ROOT
from tremplin.supervisor import TOKEN_VARIABLE

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_with(token: str) -> list[int]:
    """Every live process whose environment carries this supervisor token."""
    marker = f"{TOKEN_VARIABLE}={token}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            carries = marker in (entry / "environ").read_bytes().split(b"\0")
            zombie = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            continue
        if carries and not zombie:
            found.append(int(entry.name))
    return found


class Up:
    """A running `manage.py up`, its output collected line by line."""

    def __init__(self, var_dir: Path, port: int, env: dict[str, str] | None = None) -> None:
        if env is None:
            db = connection.settings_dict
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tremplin.settings.test",
                "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                # Its own Celery queue and cache keys: nothing shared with this run's worker.
                "TREMPLIN_TEST_RUN_ID": f"{settings.TEST_RUN_ID}-up",
                "TREMPLIN_VAR_DIR": str(var_dir),
            }
        self.var_dir = var_dir
        self.port = port
        self.tokens: set[str] = set()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "manage.py"), "up", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, seconds: float = 60) -> re.Match:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        pytest.fail(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines[-40:]))

    def children(self) -> dict:
        state = json.loads((self.var_dir / "up.children").read_text())
        self.tokens.add(state["token"])
        return state

    def kill(self) -> None:
        """Whatever the test did: stop `up`, then anything still carrying its token."""
        with contextlib.suppress(OSError, ValueError, KeyError):
            self.children()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for token in self.tokens:
            for pid in processes_with(token):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


@pytest.mark.worker
def test_up_restarts_a_killed_worker_and_two_sigterms_leave_nothing(committed, tmp_path):
    up = Up(tmp_path / "var", free_port())
    try:
        up.wait_for(r"Tremplin is up", 120)
        state = up.children()
        worker = next(child for child in state["children"] if child["name"] == "worker")
        os.kill(worker["pid"], signal.SIGKILL)
        up.wait_for(rf"up: worker \(pid {worker['pid']}\) killed by SIGKILL; restarting in 1 s")
        restarted = int(up.wait_for(r"up: worker restarted \(pid (\d+)\)", 10)[1])
        assert restarted != worker["pid"] and processes_with(state["token"])
        up.wait_for(r"celery@\S+ ready", 120)  # the new worker is consuming again

        up.process.send_signal(signal.SIGTERM)
        time.sleep(0.3)  # the second one lands during the clean-up, as make's would
        up.process.send_signal(signal.SIGTERM)
        assert up.process.wait(timeout=60) == 0
        assert any("still stopping (nothing is interrupted)" in line for line in up.lines)
        assert processes_with(state["token"]) == []
        assert not (tmp_path / "var" / "up.children").exists()
    finally:
        up.kill()
