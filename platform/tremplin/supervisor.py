"""Keep `manage.py up`'s children running, and stop every one of them, whatever happens.

Each child runs in its own session (so its own process group: a Celery worker and its pool,
a server and its workers). One that dies is restarted after a back-off that doubles from
BACKOFF_FIRST up to BACKOFF_MAX seconds, and starts again from the first delay once a child
has run STABLE_AFTER seconds; each death and restart is one line on stderr. `stop()` is
idempotent: SIGTERM to each child, a grace period, then SIGKILL to whatever is left in each
group, until no process of any group remains.

Every child carries TOKEN_VARIABLE (one random value per supervisor) in its environment, and
so does every process it starts: only processes holding it are ever signalled, so a process
group id that was reused by an unrelated process is never hit. The groups and the token are
written to a state file as they change, so that the next `up`, after this one was killed
outright, can stop what it left behind (`stop_leftovers`).

This module must not import Django.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
STABLE_AFTER = 60.0
STOP_GRACE = 10.0
TOKEN_VARIABLE = "TREMPLIN_SUPERVISOR_TOKEN"  # noqa: S105 (a variable name)


def group_members(pgid: int, token: str | None = None) -> list[int]:
    """Live (non-zombie) processes of process group `pgid`; with `token`, only those whose
    environment holds it."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel whether the group still exists
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return []
        return [-pgid]  # a negative pid signals the whole group
    members = []
    for entry in proc.glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != pgid or fields[0] == "Z":
                continue
            if token is not None and f"{TOKEN_VARIABLE}={token}".encode() not in (
                (entry / "environ").read_bytes().split(b"\0")
            ):
                continue
        except (OSError, ValueError):
            continue
        members.append(int(entry.name))
    return members


def _signal(pids: list[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


def _describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


@dataclass
class Child:
    name: str
    command: Sequence[str]
    env: dict[str, str] | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    failures: int = 0  # deaths in a row, each less than STABLE_AFTER after its start
    restart_at: float | None = None
    groups: list[int] = field(default_factory=list)  # every process group it ever had

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None


class Supervisor:
    def __init__(
        self,
        *,
        state_file: Path | None = None,
        log: Callable[[str], None] | None = None,
        backoff_first: float = BACKOFF_FIRST,
        backoff_max: float = BACKOFF_MAX,
        stable_after: float = STABLE_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children: list[Child] = []
        self.state_file = state_file
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.backoff_first = backoff_first
        self.backoff_max = backoff_max
        self.stable_after = stable_after
        self.clock = clock
        self.stopping = False
        self.token = uuid.uuid4().hex

    def start(self, name: str, *command: str, env: dict[str, str] | None = None) -> Child:
        child = Child(name=name, command=command, env=env)
        self.children.append(child)
        self._spawn(child)
        return child

    def _spawn(self, child: Child) -> None:
        # Own session: a Ctrl-C in the terminal reaches `up` only, which stops the children
        # in order; and the whole group (a worker's pool too) can be signalled at once.
        env = {**(child.env if child.env is not None else os.environ), TOKEN_VARIABLE: self.token}
        child.process = subprocess.Popen(child.command, env=env, start_new_session=True)  # noqa: S603
        child.started_at = self.clock()
        child.restart_at = None
        child.groups.append(child.process.pid)
        self._save_state()

    def delay_after(self, child: Child) -> float:
        """The wait before the next restart (and count this death)."""
        if self.clock() - child.started_at >= self.stable_after:
            child.failures = 0
        delay = min(self.backoff_first * 2**child.failures, self.backoff_max)
        child.failures += 1
        return delay

    def check(self) -> None:
        """Notice the children that died, restart the ones whose delay ran out."""
        if self.stopping:
            return
        for child in self.children:
            process = child.process
            if child.restart_at is None and process is not None and process.poll() is not None:
                # What the dead leader leaves in its group (a worker's pool) goes with it.
                _signal(group_members(process.pid, self.token), signal.SIGKILL)
                delay = self.delay_after(child)
                child.restart_at = self.clock() + delay
                self.log(
                    f"up: {child.name} (pid {process.pid}) {_describe_exit(process.returncode)}"
                    f"; restarting in {delay:g} s (failure {child.failures} in a row)."
                )
            elif child.restart_at is not None and self.clock() >= child.restart_at:
                self._spawn(child)
                self.log(f"up: {child.name} restarted (pid {child.pid}).")

    def stop(self, grace: float = STOP_GRACE) -> None:
        """Stop every child and every process of its group. Safe to call again."""
        self.stopping = True
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.process.terminate()  # the leader first: a worker finishes its tasks
        deadline = self.clock() + grace
        while any(c.process.poll() is None for c in running) and self.clock() < deadline:
            time.sleep(0.1)
        for signum, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
            left = self.leftovers()
            if not left:
                break
            _signal(left, signum)
            deadline = self.clock() + wait
            while self.leftovers() and self.clock() < deadline:
                time.sleep(0.05)
        for child in self.children:
            if child.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.process.wait(timeout=1)
        if not self.leftovers() and self.state_file is not None:
            self.state_file.unlink(missing_ok=True)

    def leftovers(self) -> list[int]:
        """Pids still alive in any group a child ever had."""
        groups = {pgid for child in self.children for pgid in child.groups}
        return [pid for pgid in sorted(groups) for pid in group_members(pgid, self.token)]

    def _save_state(self) -> None:
        if self.state_file is None:
            return
        state = {
            "supervisor": os.getpid(),
            "token": self.token,
            "children": [
                {"name": c.name, "pid": c.pid, "groups": sorted(set(c.groups))}
                for c in self.children
            ],
        }
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        tmp.replace(self.state_file)


def stop_leftovers(state_file: Path, log: Callable[[str], None], grace: float = 5.0) -> int:
    """Stop the processes a killed `up` left running (from its state file). Returns how many
    were stopped. Call it only while holding `up`'s lock: no live `up` owns them."""
    try:
        state = json.loads(state_file.read_text())
        token = state["token"]
        groups = {pgid for child in state["children"] for pgid in child["groups"]}
    except (OSError, ValueError, KeyError, TypeError):
        return 0

    def left() -> list[int]:
        return [pid for pgid in sorted(groups) for pid in group_members(pgid, token)]

    found = left()
    for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        _signal(left(), signum)
        deadline = time.monotonic() + wait
        while left() and time.monotonic() < deadline:
            time.sleep(0.05)
    if found:
        log(f"up: stopped {len(found)} process(es) left running by a previous `up`.")
    state_file.unlink(missing_ok=True)
    return len(found)
