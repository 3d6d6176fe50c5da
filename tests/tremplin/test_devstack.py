"""The embedded stack: shared between processes, stopped by the last one out."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psycopg
import redis
from tremplin.devstack import EmbeddedStack


def test_stack_starts_is_shared_and_stops_with_last_user(tmp_path):
    first = EmbeddedStack(tmp_path / "var")
    urls = first.ensure_started()
    try:
        with psycopg.connect(urls.database_url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("tremplin",)
        assert redis.Redis.from_url(urls.redis_url).ping()

        # Another user (same pid here, a second process in real life) reuses the same servers.
        second = EmbeddedStack(tmp_path / "var")
        assert second.ensure_started() == urls
        first._write_users({1, *first._users()})  # pid 1 stands for another live process
        assert first.release() is False  # someone else still uses them
        assert first.postgres.running_port() and first.redis.running_port()
    finally:
        first.stop_all()
    assert first.postgres.running_port() is None and first.redis.running_port() is None


def test_last_user_out_stops_the_servers(tmp_path):
    stack = EmbeddedStack(tmp_path / "var")
    stack.ensure_started()
    try:
        assert stack.release() is True
        assert stack.postgres.running_port() is None and stack.redis.running_port() is None
    finally:
        stack.stop_all()


def test_redis_keeps_its_queue_across_a_kill_and_comes_back_on_its_port(tmp_path):
    from tremplin.devstack import EmbeddedRedis

    server = EmbeddedRedis(tmp_path)
    port = server.start()
    try:
        client = redis.Redis(port=port)
        client.lpush("celery", "a queued task")  # what a Celery queue is in Redis
        pid = int(server.pidfile.read_text())
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid)
        assert server.running_port() is None
        assert server.start() == port  # same URL: running processes find it again
        assert redis.Redis(port=port).lrange("celery", 0, -1) == [b"a queued task"]
    finally:
        server.stop()


def test_redis_starts_over_a_stale_pid_file_naming_another_process(tmp_path):
    from tremplin.devstack import EmbeddedRedis

    server = EmbeddedRedis(tmp_path)
    port = server.start()
    server.stop()
    server.pidfile.write_text(str(os.getpid()))  # alive, but not a redis-server
    try:
        assert server.running_port() is None
        assert server.start() == port and redis.Redis(port=port).ping()
    finally:
        server.stop()


def test_redis_data_from_before_persistence_is_kept(tmp_path):
    """A ./var made before the append-only file only has dump.rdb: switching AOF on must not
    start from an empty AOF."""
    from tremplin.devstack import EmbeddedRedis

    server = EmbeddedRedis(tmp_path)
    port = server.start()
    client = redis.Redis(port=port)
    client.config_set("appendonly", "no")
    client.set("old", "kept")
    client.save()
    server.stop()
    server.aof.unlink()
    try:
        server.start()
        client = redis.Redis(port=port)
        assert client.get("old") == b"kept"
        assert client.config_get("appendonly") == {"appendonly": "yes"}
    finally:
        server.stop()


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_postgres_starts_again_after_a_crash_on_its_port(tmp_path):
    from tremplin.devstack import EmbeddedPostgres

    server = EmbeddedPostgres(tmp_path)
    port = server.start()
    url = f"postgresql://postgres@127.0.0.1:{port}/tremplin"
    try:
        psycopg.connect(url)  # a backend, orphaned when its postmaster dies
        postmaster, _ = server._postmaster()
        os.kill(postmaster, signal.SIGKILL)  # leaves postmaster.pid behind
        _wait_gone(postmaster)
        assert server.running_port() is None
        assert server.start() == port
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        server.stop()
        # A pid file naming a live process that is not PostgreSQL (a reused pid).
        stale = f"{os.getpid()}\n{server.pgdata}\n0\n{port}\n"
        (server.pgdata / "postmaster.pid").write_text(stale)
        assert server.running_port() is None
        assert server.start() == port
    finally:
        server.stop()
