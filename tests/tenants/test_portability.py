"""Per-city export / import: row-for-row round trip, bad input, isolation."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command

from shared_apps.accounts.models import Role, User
from tenant_apps.branding.models import Branding
from tenants import provisioning
from tenants.context import in_city
from tenants.lifecycle import city_archive
from tenants.models import AuditEntry, City, CityStatus
from tenants.portability import city_export, manifest_signature


@pytest.fixture
def populated_grigny(grigny, make_user):
    make_user(grigny, "jeune1@grigny.test", Role.YOUTH)
    editor = make_user(grigny, "editrice@grigny.test", Role.EDITOR)
    with in_city(grigny):
        # CSV's hard cases: separators, quotes, newlines, empty string vs NULL (last_login).
        User.objects.filter(pk=editor.pk).update(display_name='L\'é, "q" ;\nligne 2')
        User.objects.filter(email="jeune1@grigny.test").update(display_name="")
    return grigny


def test_round_trip_is_row_for_row_identical(populated_grigny, tmp_path):
    source = populated_grigny
    archive = tmp_path / "grigny.tar.gz"
    call_command("export_city", "grigny", str(archive))
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["city"]["slug"] == "grigny" and manifest["tables"]["accounts_user"]["rows"] >= 3
    assert {"domain": "grigny.localhost", "is_primary": True} in manifest["domains"]

    call_command("import_city", str(archive), "--slug", "grigny-copie", "--name", "Grigny bis")
    copy = City.objects.get(slug="grigny-copie")
    assert copy.status == CityStatus.ACTIVE and copy.insee == source.insee
    again = city_export(city=copy, path=tmp_path / "copy.tar.gz")
    for name, entry in manifest["tables"].items():
        if name == "branding_branding":
            continue  # renamed by --name
        assert (again["tables"][name]["rows"], again["tables"][name]["sha256"]) == (
            entry["rows"],
            entry["sha256"],
        ), name
    with in_city(copy):
        assert User.objects.filter(email="jeune1@grigny.test").exists()
        assert Branding.objects.get().display_name == "Grigny bis"
        # identity sequences were reset: a new row gets a fresh id
        created = User.objects.create(email="nouveau@grigny.test", role=Role.YOUTH)
        assert created.pk > max(User.objects.exclude(pk=created.pk).values_list("pk", flat=True))
    assert AuditEntry.objects.filter(action="city.imported", city=copy).exists()
    source_again = city_export(city=source, path=tmp_path / "source-again.tar.gz")
    assert source_again["tables"] == manifest["tables"]  # the source city is untouched


def test_import_refuses_bad_input_and_creates_nothing(grigny, tmp_path):
    archive = tmp_path / "grigny.tar.gz"
    city_export(city=grigny, path=archive)
    before = set(City.objects.values_list("slug", flat=True))

    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_city", str(tmp_path / "absent.tar.gz"), "--slug", "nouvelle")
    with pytest.raises(CommandError, match="déjà utilisé"):
        call_command("import_city", str(archive), "--slug", "gennevilliers")
    with pytest.raises(CommandError, match="réservé"):
        call_command("import_city", str(archive), "--slug", "www")

    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(archive.read_bytes()[:500])
    with pytest.raises(CommandError, match=r"corrompue|illisible"):
        call_command("import_city", str(garbage), "--slug", "nouvelle")

    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "tables/accounts_user.csv":
                data += b"\n"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="corrompue"):
        call_command("import_city", str(tampered), "--slug", "nouvelle")

    assert set(City.objects.values_list("slug", flat=True)) == before
    assert not provisioning.schema_exists("nouvelle")


def test_import_refuses_another_migration_state(grigny, tmp_path):
    archive = tmp_path / "grigny.tar.gz"
    city_export(city=grigny, path=archive)
    edited = tmp_path / "old.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(edited, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"] = manifest["migrations"][:-1]
                data = json.dumps(manifest).encode()
                signature = manifest_signature(data).encode()  # an export of an older platform
            if member.name == "manifest.sig":
                data = signature
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="migrations"):
        call_command("import_city", str(edited), "--slug", "nouvelle")
    assert not City.objects.filter(slug="nouvelle").exists()


def test_export_of_unknown_city_or_bad_folder_is_one_clear_line(grigny, tmp_path):
    with pytest.raises(CommandError, match="Aucune ville"):
        call_command("export_city", "atlantide", str(tmp_path / "x.tar.gz"))
    with pytest.raises(CommandError, match="n'existe pas"):
        call_command("export_city", "grigny", str(tmp_path / "absent" / "x.tar.gz"))


def test_archive_exports_then_takes_the_city_offline(grigny, gennevilliers, tmp_path, client_for):
    city = city_archive(city=grigny, by="ops@tremplin.test", export_path=tmp_path / "g.tar.gz")
    assert city.status == CityStatus.ARCHIVED and (tmp_path / "g.tar.gz").is_file()
    assert client_for(grigny).get("/").status_code == 404
    assert client_for(gennevilliers).get("/").status_code == 200
    assert provisioning.schema_exists(grigny.schema_name)  # data kept until dropped
    entry = AuditEntry.objects.get(action="city.archived", city=grigny)
    assert entry.details["rows"] > 0


def test_rows_that_break_constraints_are_refused_in_one_line(grigny, tmp_path):
    archive = tmp_path / "grigny.tar.gz"
    city_export(city=grigny, path=archive)
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(broken, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "tables/accounts_user.csv":
                header, first, *rest = data.split(b"\n")
                data = b"\n".join([header, first, first, *rest])  # duplicate primary key
            if member.name == "manifest.json":
                manifest = json.loads(data)
                entry = manifest["tables"]["accounts_user"]
                with tarfile.open(archive) as again:
                    users = again.extractfile(entry["file"]).read()
                header, first, *rest = users.split(b"\n")
                users = b"\n".join([header, first, first, *rest])
                entry["sha256"] = hashlib.sha256(users).hexdigest()
                data = json.dumps(manifest).encode()
                signature = manifest_signature(data).encode()  # as this platform would sign it
            if member.name == "manifest.sig":
                data = signature
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="Restauration impossible"):
        call_command("import_city", str(broken), "--slug", "nouvelle")
    assert not City.objects.filter(slug="nouvelle").exists()
    assert not provisioning.schema_exists("nouvelle")
