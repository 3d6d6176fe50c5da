"""City archives carry no way in (sessions, API tokens, invitations, password-reset links) and
are signed by the platform: an unsigned or altered archive is refused in one line."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from shared_apps.accounts.models import ApiToken, Invitation, Role, User
from shared_apps.accounts.services import invitation_create, token_create
from tenants import provisioning
from tenants.context import in_city
from tenants.models import City
from tenants.portability import NEVER_EXPORTED, city_export

from ..conftest import _test_database_url


def _rewrite(archive, target, change) -> None:
    """Copy `archive` to `target`, passing each member's bytes through change(name, data)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


@pytest.fixture
def grigny_with_ways_in(grigny, make_user, client_for):
    """An editor signed in (a session), with an API token, and a pending invitation."""
    editor = make_user(grigny, "editrice@grigny.test", Role.EDITOR)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(editor)
        token = token_create(user=editor)
        invitation_create(user=User.objects.get(email="staff@grigny.test"))
        assert ApiToken.objects.exists() and Invitation.objects.exists()
    return grigny, token


def test_an_archive_holds_no_session_token_or_invitation(grigny_with_ways_in, tmp_path, api_for):
    city, token = grigny_with_ways_in
    archive = tmp_path / "grigny.tar.gz"
    manifest = city_export(city=city, path=archive)
    assert {"django_session", "accounts_apitoken", "accounts_invitation"} <= NEVER_EXPORTED
    assert not set(manifest["tables"]) & NEVER_EXPORTED
    with tarfile.open(archive) as opened:
        names = opened.getnames()
        users = opened.extractfile("tables/accounts_user.csv").read().decode()
    assert not [n for n in names if re.search(r"session|apitoken|invitation", n)]
    assert "editrice@grigny.test" in users  # the people themselves are kept

    call_command("import_city", str(archive), "--slug", "grigny-copie")
    copy = City.objects.get(slug="grigny-copie")
    with in_city(copy):
        assert not ApiToken.objects.exists() and not Invitation.objects.exists()
        assert User.objects.filter(email="editrice@grigny.test").exists()
    # The source's bearer token opens nothing in the copy; it still works at the source.
    assert api_for(copy, token).get("/api/v1/auth/me/").status_code == 401
    assert api_for(city, token).get("/api/v1/auth/me/").status_code == 200


def test_a_password_reset_link_of_the_source_does_not_open_the_copy(
    grigny, make_user, client_for, tmp_path
):
    make_user(grigny, "lea@grigny.test")
    response = client_for(grigny).post("/mot-de-passe/oublie/", {"email": "lea@grigny.test"})
    assert response.status_code == 302
    link = re.search(r"(/mot-de-passe/nouveau/\S+/)", mail.outbox[-1].body).group(1)
    connection.set_schema_to_public()  # the request left the connection in grigny
    archive = tmp_path / "grigny.tar.gz"
    city_export(city=grigny, path=archive)
    call_command("import_city", str(archive), "--slug", "grigny-copie")
    copy = City.objects.get(slug="grigny-copie")
    on_copy = client_for(copy).get(link, follow=True).content.decode()
    assert "Lien expiré ou déjà utilisé" in on_copy
    on_source = client_for(grigny).get(link, follow=True).content.decode()
    assert "Choisis un nouveau mot de passe" in on_source


def _edited_users_with_hash_recomputed(archive, target) -> None:
    """What someone tampering with care does: change a row, put its new sha256 in the manifest
    (the manifest's signature can only be made with the platform's key)."""
    with tarfile.open(archive) as src:
        manifest = json.load(src.extractfile("manifest.json"))
        entry = manifest["tables"]["accounts_user"]
        original = src.extractfile(entry["file"]).read()
    users = original.replace(b"lea@grigny.test", b"lea@ailleurs.test")
    assert users != original
    entry["sha256"] = hashlib.sha256(users).hexdigest()
    edited = {"manifest.json": json.dumps(manifest).encode(), entry["file"]: users}
    _rewrite(archive, target, lambda name, data: edited.get(name, data))


def test_an_edited_csv_with_its_hash_recomputed_is_refused(grigny, make_user, tmp_path):
    make_user(grigny, "lea@grigny.test")
    archive, edited = tmp_path / "grigny.tar.gz", tmp_path / "edited.tar.gz"
    city_export(city=grigny, path=archive)
    _edited_users_with_hash_recomputed(archive, edited)
    with pytest.raises(CommandError, match=r"^Archive altérée : le manifeste de edited\.tar\.gz"):
        call_command("import_city", str(edited), "--slug", "nouvelle")
    assert not City.objects.filter(slug="nouvelle").exists()
    assert not provisioning.schema_exists("nouvelle")


def test_an_unsigned_archive_is_refused(grigny, tmp_path):
    archive, unsigned = tmp_path / "grigny.tar.gz", tmp_path / "unsigned.tar.gz"
    city_export(city=grigny, path=archive)
    _rewrite(archive, unsigned, lambda name, data: None if name == "manifest.sig" else data)
    with pytest.raises(CommandError, match=r"^Archive non signée"):
        call_command("import_city", str(unsigned), "--slug", "nouvelle")
    assert not City.objects.filter(slug="nouvelle").exists()


def test_another_platform_key_is_refused(grigny, tmp_path, settings):
    archive = tmp_path / "grigny.tar.gz"
    city_export(city=grigny, path=archive)
    settings.TREMPLIN_ARCHIVE_KEY = "la clé d'une autre plateforme"
    with pytest.raises(CommandError, match=r"^Archive altérée"):
        call_command("import_city", str(archive), "--slug", "nouvelle")


def test_import_city_refuses_an_altered_archive_in_one_line_and_exits_non_zero(
    grigny, make_user, tmp_path
):
    make_user(grigny, "lea@grigny.test")
    archive, edited = tmp_path / "grigny.tar.gz", tmp_path / "edited.tar.gz"
    city_export(city=grigny, path=archive)
    _edited_users_with_hash_recomputed(archive, edited)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tremplin.settings.test",
        "DATABASE_URL": _test_database_url(),
    }
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "import_city", str(edited),
         "--slug", "nouvelle"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("CommandError: Archive altérée"), lines
    assert not City.objects.filter(slug="nouvelle").exists()
