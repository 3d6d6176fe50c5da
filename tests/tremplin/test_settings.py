"""Production settings refuse to start without a real secret key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _run(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "tremplin.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=60,
        check=False,
    )  # fmt: skip


@pytest.mark.parametrize("secret", [None, "dev-only-insecure-key-never-used-in-production"])
def test_production_refuses_to_start_without_a_secret(secret):
    completed = _run({"DJANGO_SECRET_KEY": secret} if secret else {})
    assert completed.returncode != 0
    assert "DJANGO_SECRET_KEY" in completed.stderr


def test_production_starts_with_a_secret_and_debug_off():
    completed = _run({"DJANGO_SECRET_KEY": "x" * 50})
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False"


LINKS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "from tenants.models import build_url; "
    "print(s.TREMPLIN_BASE_DOMAIN, build_url('grigny.' + s.TREMPLIN_BASE_DOMAIN, '/x/'))"
)


def _links(settings_module: str, extra_env: dict[str, str]) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TREMPLIN_URL_", "TREMPLIN_BASE_")) and k != "DJANGO_SECRET_KEY"
    }
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, "DJANGO_SECRET_KEY": "x" * 50})
    env.update(extra_env)
    completed = subprocess.run(
        [sys.executable, "-c", LINKS], capture_output=True, text=True, env=env, timeout=60,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def test_production_links_come_from_the_base_url():
    assert _links("tremplin.settings.production", {}) == "localhost https://grigny.localhost/x/"
    assert (
        _links("tremplin.settings.production", {"TREMPLIN_BASE_URL": "https://jeunes.example.fr"})
        == "jeunes.example.fr https://grigny.jeunes.example.fr/x/"
    )
    assert (
        _links("tremplin.settings.base", {"TREMPLIN_BASE_URL": "http://tremplin.test:8103"})
        == "tremplin.test http://grigny.tremplin.test:8103/x/"
    )


def test_one_variable_overrides_its_part_of_the_base_url():
    env = {"TREMPLIN_BASE_URL": "https://jeunes.example.fr", "TREMPLIN_URL_PORT": "8443"}
    assert (
        _links("tremplin.settings.production", env)
        == "jeunes.example.fr https://grigny.jeunes.example.fr:8443/x/"
    )


def test_a_base_url_that_is_not_one_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tremplin.settings.production",
            "DJANGO_SECRET_KEY": "x" * 50,
            "TREMPLIN_BASE_URL": "jeunes.example.fr",
        }
    )
    completed = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=60,
        check=False,
    )  # fmt: skip
    assert completed.returncode != 0
    assert "TREMPLIN_BASE_URL" in completed.stderr
