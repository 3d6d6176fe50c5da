"""Per-city export and import: every row of a city's schema in one archive, and back.

Archive (.tar.gz):
    manifest.json        format, version, the City and Domain rows, the schema's migration
                         state, per table: file, columns, row count, sha256; media manifest
    manifest.sig         HMAC-SHA256 of manifest.json's bytes with the platform's archive key
                         (TREMPLIN_ARCHIVE_KEY, default derived from SECRET_KEY): the manifest
                         holds every table's checksum, so the signature vouches for every row
    tables/<name>.csv    one file per table, PostgreSQL COPY CSV with a header, ordered by
                         primary key (so the same rows always give the same bytes)

What lets someone in is never exported: sessions, API tokens, invitations (NEVER_EXPORTED; apps
above add their tables in AppConfig.ready()). The copy's tables start empty; password-reset
links are bound to the city's schema (shared_apps.accounts.tokens), so none mailed by the source
opens the copy. An unsigned archive, or one whose manifest was altered, is refused.

Import restores into a NEW city: a schema copied from the template (tenants.provisioning),
emptied, then filled table by table with COPY while foreign-key checks are deferred to commit;
identity sequences are reset and every table's checksum is compared with the manifest before
the transaction commits. Anything wrong (missing file, corrupted archive, slug taken, other
migration state) raises an ApplicationError before or inside that one transaction, so nothing
is left half-created.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from kernel.errors import Conflict, ValidationFailed

from . import hooks, provisioning
from .context import in_city
from .models import City, CityStatus, Domain
from .provisioning import quote
from .services import SYSTEM_ACTOR, audit
from .validation import slug_errors

FORMAT = "tremplin-city-export"
VERSION = 1
CITY_FIELDS = ("name", "slug", "insee", "departement", "region", "epci", "population",
               "postal_codes", "admin_email", "status")  # fmt: skip
# Exported too, read when present (archives made before territories have one commune, `insee`).
# An imported city claims none of them (tenants.CityCommune): it is often a copy of a city still
# in service; the operator moves the communes to it when it replaces the original.
OPTIONAL_CITY_FIELDS = ("communes",)


MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNING_SALT = "tremplin.portability.manifest"

# Tables of a city's schema never written to an archive: what lets someone in. Django's
# sessions are named here; apps above add theirs with never_export() (accounts: API tokens and
# invitations).
NEVER_EXPORTED: set[str] = {"django_session"}


def never_export(*tables: str) -> None:
    NEVER_EXPORTED.update(tables)


class ArchiveError(ValidationFailed):
    default_code = "bad_archive"


def manifest_signature(data: bytes) -> str:
    """HMAC-SHA256 (hex) of a manifest's bytes with the platform's archive key."""
    key = getattr(settings, "TREMPLIN_ARCHIVE_KEY", "") or settings.SECRET_KEY
    return salted_hmac(SIGNING_SALT, data, secret=key, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    order_by: tuple[str, ...]  # primary key columns (empty: no primary key)


def _tables(schema: str) -> list[Table]:
    """Ordinary tables of `schema` with their stored (non-generated) columns."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname,
                   array_agg(a.attname ORDER BY a.attnum)
                     FILTER (WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''),
                   (SELECT array_agg(k.attname ORDER BY array_position(i.indkey, k.attnum))
                      FROM pg_index i
                      JOIN pg_attribute k ON k.attrelid = i.indrelid AND k.attnum = ANY(i.indkey)
                     WHERE i.indrelid = c.oid AND i.indisprimary)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid
             WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
             GROUP BY c.oid, c.relname
             ORDER BY c.relname
            """,
            [schema],
        )
        return [Table(name, tuple(cols or ()), tuple(pk or ())) for name, cols, pk in cursor]


def _migrations(schema: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {quote(schema)}.django_migrations ORDER BY app, name"
        )
        return [list(row) for row in cursor.fetchall()]


def _select_sql(schema: str, table: Table) -> str:
    columns = ", ".join(quote(c) for c in table.columns)
    order = f" ORDER BY {', '.join(quote(c) for c in table.order_by)}" if table.order_by else ""
    return f"SELECT {columns} FROM {quote(schema)}.{quote(table.name)}{order}"


def _copy_out(schema: str, table: Table, sink) -> tuple[int, str]:
    """Stream one table as CSV into `sink` (or only hash it if None): (rows, sha256)."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {quote(schema)}.{quote(table.name)}")
        rows = cursor.fetchone()[0]
        sql = f"COPY ({_select_sql(schema, table)}) TO STDOUT WITH (FORMAT csv, HEADER true)"
        with cursor.cursor.copy(sql) as copy:
            for chunk in copy:
                data = bytes(chunk)
                digest.update(data)
                if sink is not None:
                    sink.write(data)
    return rows, digest.hexdigest()


def _media_manifest(city: City) -> list[dict]:
    """Every file path stored in a FileField of a city table (the files live in storage)."""
    found = []
    labels = {config.label for config in apps.get_app_configs() if config.name in _tenant_apps()}
    with in_city(city):
        for model in apps.get_models():
            if model._meta.app_label not in labels or model._meta.proxy:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.FileField):
                    values = model.objects.exclude(**{field.name: ""}).values_list(
                        field.attname, flat=True
                    )
                    found += [
                        {"table": model._meta.db_table, "column": field.column, "path": value}
                        for value in values
                        if value
                    ]
    return found


def _tenant_apps() -> set[str]:
    return set(settings.TENANT_APPS) - set(settings.SHARED_APPS)


def city_export(*, city: City, path: str | Path) -> dict:
    """Write every row of `city`'s schema to the archive at `path`; return its manifest."""
    path = Path(path)
    if not provisioning.schema_exists(city.schema_name):
        raise Conflict(f"La ville {city.name} n'a pas de schéma à exporter.", code="no_schema")
    if not path.parent.is_dir():
        raise ValidationFailed(f"Le dossier {path.parent} n'existe pas.", code="bad_path")
    schema = city.schema_name
    manifest: dict = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "city": {field: getattr(city, field) for field in CITY_FIELDS + OPTIONAL_CITY_FIELDS},
        "domains": [
            {"domain": d.domain, "is_primary": d.is_primary}
            for d in Domain.objects.filter(tenant=city).order_by("domain")
        ],
        "tables": {},
    }
    partial = path.with_name(path.name + ".part")
    # One transaction; rows written meanwhile by a live city may differ between tables, so
    # archive (tenants.lifecycle) exports a city that should be suspended first.
    with tempfile.TemporaryDirectory() as workdir, transaction.atomic():
        manifest["migrations"] = _migrations(schema)
        for table in _tables(schema):
            if table.name in NEVER_EXPORTED:
                continue
            file_name = f"tables/{table.name}.csv"
            with open(Path(workdir) / f"{table.name}.csv", "wb") as sink:
                rows, sha = _copy_out(schema, table, sink)
            manifest["tables"][table.name] = {
                "file": file_name,
                "columns": list(table.columns),
                "rows": rows,
                "sha256": sha,
            }
        manifest["media"] = _media_manifest(city)
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, indent=2, ensure_ascii=False, default=str).encode()
                _add_bytes(archive, MANIFEST, data)
                _add_bytes(archive, SIGNATURE, manifest_signature(data).encode())
                for name, entry in manifest["tables"].items():
                    archive.add(Path(workdir) / f"{name}.csv", arcname=entry["file"])
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def _signed_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    """The manifest, once its signature says this platform wrote it unchanged."""
    data = archive.extractfile(MANIFEST).read()
    try:
        signature = archive.extractfile(SIGNATURE).read().decode("ascii").strip()
    except KeyError:
        raise ArchiveError(
            f"Archive non signée : {path.name} ne vient pas d'un export de cette plateforme."
        ) from None
    if not constant_time_compare(signature, manifest_signature(data)):
        raise ArchiveError(
            f"Archive altérée : le manifeste de {path.name} ne porte pas la signature de cette "
            "plateforme (modifié après l'export, ou signé avec une autre clé)."
        )
    return json.loads(data)


def archive_read_manifest(path: str | Path) -> dict:
    """Open the archive, check its manifest's signature and every table's checksum; raise if
    anything is missing, altered or broken."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"Fichier introuvable : {path}.")
    try:
        with tarfile.open(path, "r:gz") as archive:
            manifest = _signed_manifest(archive, path)
            if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
                raise ArchiveError("Ce fichier n'est pas un export de ville Tremplin.")
            if secrets := sorted(set(manifest["tables"]) & NEVER_EXPORTED):
                raise ArchiveError(
                    "L'archive contient des données de connexion, jamais importées : "
                    f"{', '.join(secrets)}."
                )
            for name, entry in manifest["tables"].items():
                digest = hashlib.sha256()
                table_file = archive.extractfile(entry["file"])
                while chunk := table_file.read(1 << 16):
                    digest.update(chunk)
                if digest.hexdigest() != entry["sha256"]:
                    raise ArchiveError(f"Archive corrompue : la table {name} a été modifiée.")
    except ArchiveError:
        raise
    except (tarfile.TarError, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise ArchiveError(f"Archive illisible ou corrompue : {path} ({exc}).") from exc
    return manifest


def _check_new_slug(slug: str) -> None:
    if errors := slug_errors(slug):
        raise ValidationFailed(errors[0], fields={"slug": errors})
    if (
        City.objects.filter(slug=slug).exists()
        or provisioning.schema_exists(City.schema_name_for(slug))
        or Domain.objects.filter(domain=f"{slug}.{settings.TREMPLIN_BASE_DOMAIN}").exists()
    ):
        raise Conflict(f"L'identifiant « {slug} » est déjà utilisé.", code="slug_taken")


def city_import(
    *, path: str | Path, slug: str, name: str | None = None, by: str = SYSTEM_ACTOR
) -> City:
    """Restore an export into a new city `slug` (schema from the template, then every row)."""
    manifest = archive_read_manifest(path)
    slug = (slug or "").strip()
    _check_new_slug(slug)
    provisioning.ensure_template()
    template_state = _migrations(provisioning.template_schema())
    if manifest["migrations"] != template_state:
        archive_only = {tuple(m) for m in manifest["migrations"]} - {
            tuple(m) for m in template_state
        }
        template_only = {tuple(m) for m in template_state} - {
            tuple(m) for m in manifest["migrations"]
        }
        raise ArchiveError(
            "L'archive ne correspond pas à l'état des migrations de la plateforme "
            f"({len(template_only)} migration(s) absente(s) de l'archive, "
            f"{len(archive_only)} inconnue(s)) : migre la source ou la plateforme d'abord."
        )
    source = manifest["city"]
    with transaction.atomic():
        city = City(
            **{f: source[f] for f in CITY_FIELDS if f not in ("slug", "name", "status")},
            **{f: source[f] for f in OPTIONAL_CITY_FIELDS if f in source},
            name=(name or source["name"]).strip()[:120],
            slug=slug,
            schema_name=City.schema_name_for(slug),
            status=CityStatus.ACTIVE,
            activated_at=timezone.now(),
        )
        city.full_clean()
        city.save()
        Domain.objects.create(
            domain=f"{slug}.{settings.TREMPLIN_BASE_DOMAIN}", tenant=city, is_primary=True
        )
        provisioning.create_schema_from_template(city.schema_name)
        try:
            with transaction.atomic():  # a savepoint, so the error below can be raised cleanly
                _load_rows(city.schema_name, path, manifest)
        except (DatabaseError, psycopg.Error, tarfile.TarError, OSError) as exc:
            # e.g. a row pointing at a public row this platform does not have
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc)
            raise ArchiveError(f"Restauration impossible : {first_line}") from exc
        if name:
            _rename(city, name)
        audit(
            actor=by,
            action="city.imported",
            city=city,
            source_slug=source["slug"],
            rows=sum(entry["rows"] for entry in manifest["tables"].values()),
        )
    return city


def _load_rows(schema: str, path: str | Path, manifest: dict) -> None:
    tables = {table.name: table for table in _tables(schema)}
    # Tables never exported stay empty in the new city (truncated with the others below).
    if set(tables) - NEVER_EXPORTED != set(manifest["tables"]):
        raise ArchiveError("Les tables de l'archive ne correspondent pas à celles d'une ville.")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        names = ", ".join(f"{quote(schema)}.{quote(n)}" for n in tables)
        cursor.execute(f"TRUNCATE {names}")
        with tarfile.open(path, "r:gz") as archive:
            for name, entry in manifest["tables"].items():
                columns = ", ".join(quote(c) for c in entry["columns"])
                sql = (
                    f"COPY {quote(schema)}.{quote(name)} ({columns}) "
                    "FROM STDIN WITH (FORMAT csv, HEADER true)"
                )
                source = archive.extractfile(entry["file"])
                with cursor.cursor.copy(sql) as copy:
                    while chunk := source.read(1 << 16):
                        copy.write(chunk)
        _reset_sequences(cursor, schema)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # FK violations surface here
    for name, entry in manifest["tables"].items():
        table = Table(name, tuple(entry["columns"]), tables[name].order_by)
        rows, sha = _copy_out(schema, table, None)
        if (rows, sha) != (entry["rows"], entry["sha256"]):
            raise ArchiveError(f"La table {name} n'a pas été restaurée à l'identique.")


def _reset_sequences(cursor, schema: str) -> None:
    cursor.execute(
        """
        SELECT c.relname, a.attname, pg_get_serial_sequence(
                   quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname)
          FROM pg_attribute a
          JOIN pg_class c ON c.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND a.attnum > 0
           AND NOT a.attisdropped
           AND pg_get_serial_sequence(
                   quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) IS NOT NULL
        """,
        [schema],
    )
    for table, column, sequence in cursor.fetchall():
        column = quote(column)
        cursor.execute(
            f"SELECT setval(%s, COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL)"
            f" FROM {quote(schema)}.{quote(table)}",
            [sequence],
        )


def _rename(city: City, name: str) -> None:
    """Apps that copy the city's display name (branding) take the new one (tenants.hooks)."""
    with in_city(city):
        for renamed in hooks.renamed:
            renamed(city, name)
