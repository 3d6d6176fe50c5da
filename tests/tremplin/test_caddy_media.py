"""The production proxy serves uploaded files safely: deploy/caddy/Caddyfile run by a real Caddy
(Debian's package) on loopback ports, /media/ asked for the way a browser would."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

CADDYFILE = Path(settings.BASE_DIR) / "deploy" / "caddy" / "Caddyfile"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0f01f0005000201a0f1b1c60000000049454e44ae426082"
)


def _caddy() -> str:
    if shutil.which("caddy"):
        return shutil.which("caddy")
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.skip("caddy is missing and apt-get cannot run here (needs root).")
    result = subprocess.run(
        ["apt-get", "install", "-y", "-q", "caddy"], capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    if result.returncode != 0 or not shutil.which("caddy"):
        pytest.skip(f"apt-get install caddy failed: {result.stderr.strip()[-300:]}")
    return shutil.which("caddy")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _caddyfile_for(caddy: str, folder: Path) -> Path:
    """The deployed file; a proxy option newer than the installed Caddy is left out."""
    text = CADDYFILE.read_text()
    version = subprocess.run([caddy, "version"], capture_output=True, text=True, check=False)
    major_minor = tuple(int(n) for n in re.findall(r"v?(\d+)\.(\d+)", version.stdout)[0])
    if major_minor < (2, 7):  # request_buffers came with Caddy 2.7; Debian 12 ships 2.6
        text = re.sub(r"(?m)^\s*request_buffers .*$", "", text)
    path = folder / "Caddyfile"
    path.write_text(text)
    return path


@pytest.fixture
def proxy(tmp_path):
    caddy = _caddy()
    media = tmp_path / "media"
    (media / "grigny" / "branding").mkdir(parents=True)
    (media / "grigny" / "branding" / "logo-0123456789ab.png").write_bytes(PNG)
    (media / "grigny" / "page.html").write_text("<script>alert(document.cookie)</script>")
    (media / "grigny" / "app.js").write_text("alert(1)")
    (tmp_path / "static").mkdir()
    port, tls_port = _free_port(), _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TREMPLIN_")},
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TREMPLIN_BASE_DOMAIN": "tremplin.localhost",
        "ACME_EMAIL": "ops@tremplin.test",
        "TREMPLIN_HTTP_PORT": str(port),
        "TREMPLIN_HTTPS_PORT": str(tls_port),
        "TREMPLIN_MEDIA_ROOT": str(media),
        "TREMPLIN_STATIC_ROOT": str(tmp_path / "static"),
        "TREMPLIN_UPSTREAM": f"127.0.0.1:{_free_port()}",  # nothing there: never reached
    }
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
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _get(port: int, path: str, host: str = "jeunesse.ville-exemple.fr"):
    """A custom domain over plain HTTP (the Caddyfile's http:// site): no certificate needed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    return response, response.read()


def test_the_proxy_serves_a_logo_as_an_image_nothing_can_run(proxy):
    response, body = _get(proxy, "/media/grigny/branding/logo-0123456789ab.png")
    assert response.status == 200 and body == PNG
    assert response.getheader("Content-Type") == "image/png"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Disposition") == "attachment"
    assert "sandbox" in response.getheader("Content-Security-Policy")


@pytest.mark.parametrize(
    "path", ["/media/grigny/page.html", "/media/grigny/app.js", "/media/GRIGNY/PAGE.HTML",
             "/media/grigny/x/../page.html", "/media/grigny/page.html%00.png",
             "/media/grigny/absent.png"],
)  # fmt: skip
def test_the_proxy_serves_nothing_else_under_media(proxy, path):
    response, body = _get(proxy, path)
    # 404; Caddy answers a NUL byte in the path with an empty 500: nothing served either way.
    assert response.status in (404, 500) and b"alert" not in body, (path, body[:200])
