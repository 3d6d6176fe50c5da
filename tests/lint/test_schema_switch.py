"""`make lint` refuses a schema switch outside tenants/: ruff's banned-api rule (TID251, in
pyproject) for the names, tests/lint/schema_switch.py for what ruff cannot resolve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from . import schema_switch

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")

BANNED = [
    "from django_tenants.utils import schema_context\n\nschema_context('x')\n",
    "from django_tenants.utils import tenant_context\n\ntenant_context(city)\n",
    "import django_tenants.utils\n\ndjango_tenants.utils.schema_context('x')\n",
    "from tenants.context import in_city\n\nin_city(city)\n",
    "from tenants.context import in_schema\n\nin_schema('x')\n",
    "from tenants.context import in_public\n\nin_public()\n",
    "from tenants import context\n\ncontext.in_city(city)\n",
    "from tenants.context import dangerously_all_cities\n\ndangerously_all_cities()\n",
    "from django.db import connection\n\nconnection.set_tenant(city)\n",
    "from django.db import connection\n\nconnection.set_schema('x')\n",
    "from django.db import connection\n\nconnection.set_schema_to_public()\n",
]


def ruff(source: str, filename: str) -> subprocess.CompletedProcess:
    """Ruff with the project's configuration on `source`, as if it were the file `filename`
    (per-file-ignores match on that path)."""
    return subprocess.run(
        [str(RUFF), "check", "--config", str(ROOT / "pyproject.toml"), "--no-cache",
         "--select", "TID251", "--output-format", "concise", "--stdin-filename", filename, "-"],
        input=source, capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip


def ruff_tree() -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RUFF), "check", "--no-cache", "--select", "TID251", "."],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("source", BANNED)
def test_a_schema_switch_in_a_city_app_fails_the_lint(source):
    result = ruff(source, "tenant_apps/catalogue/x.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout and "tenants.crosscity" in result.stdout


@pytest.mark.parametrize("filename", ["shared_apps/billing/tasks.py", "platform/tremplin/demo.py"])
def test_tasks_and_the_wiring_are_no_exception(filename):
    assert ruff(BANNED[0], filename).returncode == 1


@pytest.mark.parametrize("filename", ["tenants/x.py", "tests/tenant_apps/x.py"])
def test_the_tenancy_core_and_the_tests_may_switch(filename):
    result = ruff(BANNED[0], filename)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_door_itself_is_allowed_anywhere():
    source = "from tenants.crosscity import run_in_city, run_in_each_city, send_to_each_city\n"
    assert ruff(source, "tenant_apps/catalogue/x.py").returncode == 0


def test_the_tree_has_no_schema_switch_outside_tenants():
    assert ruff_tree().returncode == 0
    assert schema_switch.offences() == []


def test_the_script_catches_what_ruff_cannot_resolve(tmp_path):
    (tmp_path / "tenant_apps").mkdir()
    (tmp_path / "tenants").mkdir()
    switching = (
        "from django.db import connections\n"
        "conn = connections['default']\n"
        "conn.set_tenant(city)  # .set_schema( in a comment does not count\n"
        "cursor.execute(f'SET LOCAL search_path TO {schema}')\n"
    )
    (tmp_path / "tenant_apps" / "x.py").write_text(switching)
    (tmp_path / "tenants" / "x.py").write_text(switching)  # the tenancy core may
    assert schema_switch.offences(tmp_path) == [
        "tenant_apps/x.py:3: .set_tenant(...) switches schema outside tenants/",
        "tenant_apps/x.py:4: SET search_path in SQL switches schema outside tenants/",
    ]
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests/lint/schema_switch.py"), str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and "tenant_apps/x.py:3" in result.stdout
