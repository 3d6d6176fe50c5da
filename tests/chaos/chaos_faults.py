"""`make chaos`: the operator's worst day, replayed on a real `manage.py up` (never part of
`make test`: about three minutes).

One `up` without --demo, on a free port, with its own var directory (so its own embedded
PostgreSQL and Redis, never the ones of ./var), and one city onboarded. Then, in order: the
worker is killed, Redis is killed and then frozen, PostgreSQL is killed, a city is left
half-onboarded and `up` itself is killed, stale pid files are left behind, and finally two
SIGTERMs stop it all. Each test prints what it measured (run with -s to see the figures).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from tremplin.devstack import REPO_ROOT, EmbeddedStack

from tests.tremplin.test_up import Up, free_port, processes_with

CITY = "chaosville"
HOST = f"{CITY}.localhost"


def environment(var_dir: Path) -> dict[str, str]:
    """The environment of a developer's shell: no test settings, no server URLs."""
    env = {**os.environ, "TREMPLIN_VAR_DIR": str(var_dir), "TREMPLIN_SPARE_SCHEMAS": "0"}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.pop("TREMPLIN_TEST_RUN_ID", None)
    return env


class ChaosUp(Up):
    def __init__(self, var_dir: Path, port: int) -> None:
        self.env = environment(var_dir)
        super().__init__(var_dir, port, env=self.env)

    def manage(self, *args: str) -> str:
        """Another manage.py next to `up` (it joins the same embedded servers)."""
        done = subprocess.run(
            [sys.executable, str(REPO_ROOT / "manage.py"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def get(self, path: str = "/", host: str = HOST, timeout: float = 10) -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def child_pid(self, name: str) -> int:
        return next(c["pid"] for c in self.children()["children"] if c["name"] == name)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("chaos") / "var"
    yield path
    EmbeddedStack(path).stop_all()  # whatever a failed test left running


@pytest.fixture(scope="module")
def up(var_dir):
    started = time.monotonic()
    running = ChaosUp(var_dir, free_port())
    running.wait_for(r"Tremplin is up", 240)
    print(
        f"\n[chaos] fresh start (initdb, migrations, template): {time.monotonic() - started:.1f} s"
    )
    running.manage(
        "onboard_city", "--name", "Chaosville", "--slug", CITY, "--insee", "91286",
        "--admin-email", "admin@chaosville.test",
    )  # fmt: skip
    assert running.get() == 200
    holder = {"up": running, "all": [running]}  # tests that restart `up` use `restart`
    yield holder
    for started in holder["all"]:
        started.kill()  # whatever a failed test left running


def restart(up: dict, var_dir: Path) -> ChaosUp:
    up["up"] = again = ChaosUp(var_dir, up["up"].port)
    up["all"].append(again)
    return again


def poll(up: ChaosUp, seconds: float, path: str = "/") -> list[tuple[float, int]]:
    """(seconds since start, status) of a request every 0.2 s for `seconds`."""
    started, seen = time.monotonic(), []
    while time.monotonic() - started < seconds:
        at = time.monotonic() - started
        seen.append((round(at, 1), up.get(path)))
        time.sleep(0.2)
    return seen


def test_a_killed_worker_is_back_within_seconds(up):
    running = up["up"]
    worker = running.child_pid("worker")
    killed = time.monotonic()
    os.kill(worker, signal.SIGKILL)
    running.wait_for(rf"up: worker \(pid {worker}\) killed by SIGKILL; restarting in 1 s")
    before = sum(" ready." in line for line in running.lines)
    while sum(" ready." in line for line in running.lines) == before:
        assert time.monotonic() - killed < 180, "\n".join(running.lines[-60:])
        time.sleep(0.1)
    print(f"\n[chaos] worker kill -9 → consuming again after {time.monotonic() - killed:.1f} s")
    assert running.get() == 200


def test_redis_killed_keeps_its_queue_and_pages_stay_up(up, var_dir):
    running = up["up"]
    port = int((var_dir / "redis" / "port").read_text())
    client = redis.Redis(port=port)
    client.lpush("chaos-parked", "a task nobody consumes yet")
    time.sleep(1.2)  # appendfsync everysec
    os.kill(int((var_dir / "redis" / "redis.pid").read_text()), signal.SIGKILL)
    seen = poll(running, 5)
    assert {status for _, status in seen} == {200}, seen
    running.wait_for(r"up: the embedded Redis had stopped; started again on its port")
    assert redis.Redis(port=port).lrange("chaos-parked", 0, -1) == [b"a task nobody consumes yet"]
    assert running.get("/readyz") == 200
    print(f"\n[chaos] Redis kill -9: {len(seen)} requests in 5 s, all 200; queue kept")


def test_a_frozen_redis_slows_pages_but_never_fails_them(up, var_dir):
    running = up["up"]
    pid = int((var_dir / "redis" / "redis.pid").read_text())
    os.kill(pid, signal.SIGSTOP)
    try:
        timings, statuses = [], []
        for _ in range(10):
            started = time.monotonic()
            statuses.append(running.get(timeout=15))
            timings.append(time.monotonic() - started)
        ready = running.get("/readyz", timeout=15)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert statuses == [200] * 10 and ready == 503
    assert running.get("/readyz") == 200
    print(
        f"\n[chaos] Redis frozen (SIGSTOP): 10/10 pages 200 in {sum(timings):.1f} s "
        f"(slowest {max(timings):.1f} s); /readyz 503"
    )


def test_postgres_killed_gives_503_never_500_and_comes_back(up, var_dir):
    running = up["up"]
    web = running.child_pid("web")
    postmaster = int((var_dir / "postgres" / "postmaster.pid").read_text().split()[0])
    os.kill(postmaster, signal.SIGKILL)
    seen = poll(running, 8)
    statuses = {status for _, status in seen}
    assert statuses <= {200, 503} and 503 in statuses, seen
    running.wait_for(r"up: the embedded PostgreSQL had stopped; started again on its port")
    assert running.get() == 200 and running.child_pid("web") == web  # nothing restarted
    outage = [at for at, status in seen if status == 503]
    print(
        f"\n[chaos] PostgreSQL kill -9: 503 from {outage[0]} s to {outage[-1]} s "
        f"({len(outage)} of {len(seen)} requests), then 200; web not restarted"
    )


def test_a_half_onboarded_city_and_a_killed_up_do_not_stop_the_next_start(up, var_dir):
    running = up["up"]
    running.manage(
        "shell", "-c",
        "from tenants.services import city_register, city_request_validate\n"
        "city_register(request=city_request_validate(name='Sevran', slug='sevran', "
        "insee='93071', admin_email='a@sevran.test'))",
    )  # fmt: skip
    token = running.children()["token"]
    os.kill(running.process.pid, signal.SIGKILL)  # `up` only: its children run on
    running.process.wait()
    assert processes_with(token)  # orphans, still holding the port
    started = time.monotonic()
    again = restart(up, var_dir)
    again.wait_for(r"up: stopped \d+ process\(es\) left running by a previous `up`")
    again.wait_for(r"Resumed the onboarding of sevran: active", 240)
    again.wait_for(r"Tremplin is up", 240)
    print(f"\n[chaos] restart after kill -9 of up: {time.monotonic() - started:.1f} s")
    assert processes_with(token) == []
    assert again.get(host="sevran.localhost") == 200


def test_stale_pid_files_do_not_stop_a_start(up, var_dir):
    running = up["up"]
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=90) == 0
    stranger = subprocess.Popen(["sleep", "120"])  # a live pid that is no server of ours
    try:
        (var_dir / "redis" / "redis.pid").write_text(str(stranger.pid))
        (var_dir / "postgres" / "postmaster.pid").write_text(
            f"{stranger.pid}\n{var_dir / 'postgres'}\n0\n5432\n\n127.0.0.1\n"
        )
        again = restart(up, var_dir)
        again.wait_for(r"Tremplin is up", 240)
        assert again.get() == 200 and stranger.poll() is None
    finally:
        stranger.kill()


def test_two_sigterms_stop_everything_and_leave_nothing(up, var_dir):
    running = up["up"]
    token = running.children()["token"]
    started = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=90) == 0
    print(f"\n[chaos] two SIGTERMs: everything stopped in {time.monotonic() - started:.1f} s")
    assert processes_with(token) == []
    stack = EmbeddedStack(var_dir)
    assert stack.postgres.running_port() is None and stack.redis.running_port() is None
