"""`manage.py check --deploy` with the production settings and the environment the README's
"Configuration" documents: no warning at all (HSTS, HTTPS redirect, cookies, CSP, the schema)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# What README "Configuration" and .env.example say production needs, nothing more.
DOCUMENTED_ENV = {
    "DJANGO_SETTINGS_MODULE": "tremplin.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "TREMPLIN_BASE_URL": "https://jeunes.example.fr",
}


def _check_deploy(extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "TREMPLIN_", "STRIPE_", "SENTRY_"))
    }
    # DATABASE_URL and REDIS_URL stay: the tests' embedded servers (check needs neither).
    env.update({**DOCUMENTED_ENV, **(extra or {})})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR), capture_output=True, text=True, env=env, timeout=240,
        check=False,
    )  # fmt: skip


def test_check_deploy_is_clean_with_the_documented_environment():
    completed = _check_deploy()
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_turning_hsts_off_is_reported():
    """The escape hatch env.example documents is not silent."""
    completed = _check_deploy({"DJANGO_HSTS_SECONDS": "0"})
    assert completed.returncode != 0 and "security.W004" in completed.stderr
