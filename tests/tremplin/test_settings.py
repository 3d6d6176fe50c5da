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
