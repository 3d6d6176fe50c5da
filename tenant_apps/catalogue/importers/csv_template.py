"""The staff CSV template (French headers, see README.md): one offer per row, errors per row."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from kernel.text import unaccent

from ..models import Offer, OfferKind, OfferStatus, Structure
from ..themes import is_theme
from .base import ImportReport, Progress, RecordRejected, Upserter, unreadable

SOURCE = "csv"
HEADERS = [
    "identifiant", "type", "titre", "resume", "description", "thematiques", "age_min", "age_max",
    "adresse", "code_postal", "code_insee", "latitude", "longitude", "a_distance", "debut", "fin",
    "date_limite", "places", "gratuit", "prix", "structure", "contact_email",
    "contact_telephone", "lien_inscription", "image", "video", "visite_360",
]  # fmt: skip
REQUIRED = ("type", "titre")
KINDS = {unaccent(label): value for value, label in OfferKind.choices} | {
    value: value for value in OfferKind.values
} | {"bon plan": "bon_plan", "evenement": "evenement"}  # fmt: skip
YES = {"oui", "o", "yes", "y", "1", "vrai", "x"}
NO = {"non", "n", "no", "0", "faux", ""}
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M")


class _Semicolon(csv.excel):
    delimiter = ";"


def template_csv() -> str:
    """The empty template with one example row, offered for download to staff."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerow([
        "tournoi-2025", "evenement", "Tournoi de futsal", "Viens jouer en équipe de 5.", "",
        "sport", "14", "25", "Gymnase Jean-Jaurès", "91350", "91286", "", "", "non",
        "2025-07-05 14:00", "2025-07-05 18:00", "2025-07-01", "40", "oui", "", "", "", "", "",
        "", "", "",
    ])  # fmt: skip
    return out.getvalue()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _bool(value: str, column: str) -> bool:
    value = unaccent(value)
    if value in YES:
        return True
    if value in NO:
        return False
    raise RecordRejected(f"« {column} » doit valoir oui ou non")


def _int(value: str, column: str) -> int | None:
    if not value.strip():
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise RecordRejected(f"« {column} » doit être un nombre entier") from exc
    if number < 0:
        raise RecordRejected(f"« {column} » ne peut pas être négatif")
    return number


def _number(value: str, column: str, cast=float):
    if not value.strip():
        return None
    try:
        return cast(value.replace(",", ".").replace(" ", ""))
    except (ValueError, InvalidOperation) as exc:
        raise RecordRejected(f"« {column} » doit être un nombre") from exc


def _datetime(value: str, column: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime(value, fmt))
        except ValueError:
            continue
    raise RecordRejected(f"« {column} » : date illisible « {value} » (attendu AAAA-MM-JJ HH:MM)")


def row_fields(row: dict[str, str], structures: dict[str, Structure]) -> tuple[str, dict]:
    missing = [c for c in REQUIRED if not row.get(c, "").strip()]
    if missing:
        raise RecordRejected(f"colonne(s) obligatoire(s) vide(s) : {', '.join(missing)}")
    kind = KINDS.get(unaccent(row["type"]))
    if kind is None:
        raise RecordRejected(
            f"type inconnu « {row['type']} » "
            "(aide, emploi, formation, evenement, bon_plan, service)"
        )
    themes = [
        t.strip() for t in row.get("thematiques", "").replace(",", ";").split(";") if t.strip()
    ]
    unknown = [t for t in themes if not is_theme(t)]
    if unknown:
        raise RecordRejected(f"thématique inconnue : {', '.join(unknown)}")
    structure = None
    if row.get("structure", "").strip():
        structure = structures.get(unaccent(row["structure"]))
        if structure is None:
            raise RecordRejected(f"structure inconnue « {row['structure']} » (crée-la d'abord)")
    starts_at = _datetime(row.get("debut", ""), "debut")
    apply_by = _datetime(row.get("date_limite", ""), "date_limite")
    free_text = row.get("gratuit", "")
    price = _number(row.get("prix", ""), "prix", Decimal)
    fields = {
        "kind": kind,
        "title": row["titre"].strip()[:200],
        "summary": row.get("resume", "").strip()[:500],
        "body": row.get("description", "").strip(),
        "themes": themes,
        "age_min": _int(row.get("age_min", ""), "age_min"),
        "age_max": _int(row.get("age_max", ""), "age_max"),
        "address": row.get("adresse", "").strip()[:255],
        "postal_code": row.get("code_postal", "").strip()[:5],
        "commune_insee": row.get("code_insee", "").strip()[:5],
        "latitude": _number(row.get("latitude", ""), "latitude"),
        "longitude": _number(row.get("longitude", ""), "longitude"),
        "is_remote": _bool(row.get("a_distance", ""), "a_distance"),
        "starts_at": starts_at,
        "ends_at": _datetime(row.get("fin", ""), "fin"),
        "apply_by": apply_by.date() if apply_by else None,
        "capacity": _int(row.get("places", ""), "places"),
        "is_free": _bool(free_text, "gratuit") if free_text.strip() else not price,
        "price_eur": price,
        "structure": structure,
        "contact_email": row.get("contact_email", "").strip()[:254],
        "contact_phone": row.get("contact_telephone", "").strip()[:30],
        "apply_url": row.get("lien_inscription", "").strip()[:500],
        "image_url": row.get("image", "").strip()[:500],
        "video_url": row.get("video", "").strip()[:500],
        "panorama_url": row.get("visite_360", "").strip()[:500],
    }
    external_id = row.get("identifiant", "").strip()
    if not external_id:  # stable identity for rows without one: title + start
        key = f"{unaccent(fields['title'])}|{starts_at.isoformat() if starts_at else ''}"
        external_id = "auto-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16]
    return external_id[:200], fields


def _rows(reader: csv.DictReader) -> list[dict | RecordRejected]:
    """Every data row, or the reason it cannot be read (the reader goes on with the next)."""
    rows: list[dict | RecordRejected] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            limit = "field larger than field limit" in str(exc)
            rows.append(
                RecordRejected(
                    f"champ de plus de {csv.field_size_limit() // 1024} Ko"
                    if limit
                    else f"ligne CSV illisible ({exc})"
                )
            )
        else:
            # A row with more cells than headers keeps the extra ones under the key None.
            rows.append(
                {k: v if isinstance(v, str) else "" for k, v in row.items() if k is not None}
            )


def import_csv(
    *, data: bytes, publish: bool = False, progress: Progress | None = None
) -> ImportReport:
    report = ImportReport()
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        dialect = _Semicolon
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        report.reject("fichier", f"ligne d'en-tête illisible ({exc})")
        return report
    headers = [unaccent(h or "").replace(" ", "_") for h in fieldnames]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        report.reject("fichier", f"colonne(s) absente(s) : {', '.join(missing)} (voir le modèle)")
        return report
    rows = _rows(reader)
    structures = {unaccent(s.name): s for s in Structure.objects.all()}
    upsert = Upserter(Offer, SOURCE)
    status = OfferStatus.PUBLISHED if publish else OfferStatus.DRAFT
    for index, raw in enumerate(rows, start=2):  # line 1 is the header
        name = f"ligne {index}"
        try:
            if isinstance(raw, RecordRejected):
                raise raw
            row = {h: (v or "") for h, v in zip(headers, raw.values(), strict=False)}
            external_id, fields = row_fields(row, structures)
        except RecordRejected as exc:
            report.reject(name, str(exc))
            continue
        except Exception as exc:  # whatever a row holds, the others are imported
            report.reject(name, unreadable(name, exc))
            continue
        upsert(report, name, external_id, {**fields, "status": status})
        if progress:
            progress(index - 1, len(rows))
    return report
