"""Custom domains get their certificate only when the application says so: deploy/caddy/Caddyfile
run by a real Caddy asks /internal/tls/ask (here a recording stand-in for the web service) at the
TLS handshake, and hides /internal/ from visitors. tests/tenants/test_domain_verification.py
tests what the application answers."""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .test_caddy_media import _caddy, _caddyfile_for, _free_port


class Upstream(ThreadingHTTPServer):
    """Stands in for the web service: records each request, refuses every certificate."""

    def __init__(self) -> None:
        self.paths: list[tuple[str, str | None]] = []  # (path, X-Forwarded-For)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(handler) -> None:
                self.paths.append((handler.path, handler.headers.get("X-Forwarded-For")))
                handler.send_response(404)
                handler.send_header("Content-Length", "0")
                handler.end_headers()

            def log_message(handler, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def _env(tmp_path, **extra) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("TREMPLIN_")},
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TREMPLIN_BASE_DOMAIN": "tremplin.localhost",
        "ACME_EMAIL": "ops@tremplin.test",
        **extra,
    }


@pytest.mark.parametrize("wildcard", ["internal", "on-demand"])
def test_the_caddyfile_is_valid(tmp_path, wildcard):
    caddy = _caddy()
    config = _caddyfile_for(caddy, tmp_path)
    result = subprocess.run(
        [caddy, "validate", "--config", str(config), "--adapter", "caddyfile"],
        env=_env(tmp_path, TREMPLIN_WILDCARD_TLS=wildcard), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture
def proxy(tmp_path):
    caddy = _caddy()
    upstream = Upstream()
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port, tls_port = _free_port(), _free_port()
    (tmp_path / "static").mkdir()
    env = _env(
        tmp_path,
        TREMPLIN_HTTP_PORT=str(port),
        TREMPLIN_HTTPS_PORT=str(tls_port),
        TREMPLIN_STATIC_ROOT=str(tmp_path / "static"),
        TREMPLIN_MEDIA_ROOT=str(tmp_path / "media"),
        TREMPLIN_UPSTREAM=f"127.0.0.1:{upstream.server_address[1]}",
    )
    config = _caddyfile_for(caddy, tmp_path)
    process = subprocess.Popen(
        [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"caddy stopped: {process.stderr.read()[-2000:]}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", tls_port)) == 0:
                    break
            time.sleep(0.1)
        yield port, tls_port, upstream
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        upstream.shutdown()
        upstream.server_close()


def _handshake(tls_port: int, name: str) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", tls_port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=name),
    ):
        pass


def test_a_custom_domain_gets_no_certificate_unless_the_application_allows_it(proxy):
    _port, tls_port, upstream = proxy
    with pytest.raises((ssl.SSLError, ConnectionError)):
        _handshake(tls_port, "jeunes.ville-exemple.fr")
    asked = [path for path, _ in upstream.paths if path.startswith("/internal/tls/ask")]
    assert asked == ["/internal/tls/ask?domain=jeunes.ville-exemple.fr"]
    # Caddy's own request, straight to the web port: nothing says it came through the proxy.
    assert [xff for path, xff in upstream.paths if path in asked] == [None]


def test_visitors_cannot_reach_the_internal_endpoint(proxy):
    port, _tls_port, upstream = proxy
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request(
        "GET", "/internal/tls/ask?domain=x.example.fr", headers={"Host": "jeunes.ville-exemple.fr"}
    )
    response = connection.getresponse()
    assert (response.status, response.read()) == (404, b"")
    connection.request("GET", "/ailleurs/", headers={"Host": "jeunes.ville-exemple.fr"})
    connection.getresponse().read()
    assert [path for path, _ in upstream.paths] == ["/ailleurs/"]  # proxied, /internal/ not
