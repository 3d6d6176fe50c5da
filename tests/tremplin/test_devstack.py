"""The embedded stack: shared between processes, stopped by the last one out."""

from __future__ import annotations

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
