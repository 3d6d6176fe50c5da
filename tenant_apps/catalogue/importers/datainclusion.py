"""data·inclusion structures and services (JSON, schema v1) into the current city's catalogue.

Accepted documents: `{"structures": [...], "services": [...]}`, or a list of structures, or a list
of services (a service has `structure_id`). Structures become `Structure`, services become
offers of kind `service` linked to their structure.
"""

from __future__ import annotations

import json
from typing import Any

from ..models import Offer, OfferStatus, Structure, StructureTypology
from ..themes import is_theme
from .base import MAX_DEPTH, ImportReport, Progress, RecordRejected, Upserter, too_deep, unreadable

SOURCE = "data-inclusion"
NETWORK_TYPOLOGY = {
    "mission-locale": StructureTypology.MISSION_LOCALE,
    "france-travail": StructureTypology.FRANCE_TRAVAIL,
    "centre-social": StructureTypology.CENTRE_SOCIAL,
    "pij-bij": StructureTypology.PIJ,
    "ccas-cias": StructureTypology.SERVICE_MUNICIPAL,
}


def json_document(data: bytes) -> Any:
    """The parsed JSON of an uploaded file; RecordRejected with one French line if it is not
    UTF-8 JSON (or nests so deep the parser would exhaust the stack)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordRejected(
            f"JSON illisible : le fichier n'est pas en UTF-8 (octet {exc.start + 1})"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordRejected(
            f"JSON illisible : erreur de syntaxe ligne {exc.lineno}, colonne {exc.colno}"
        ) from None
    except RecursionError:
        raise RecordRejected(
            "JSON illisible : listes ou objets imbriqués trop profondément"
        ) from None


def _text(value: Any, limit: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    return text[:limit] if limit else text


def _float(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise RecordRejected(f"coordonnée illisible : {value!r}") from exc


def short(text: str, limit: int = 280) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _required(record: dict, *names: str) -> None:
    missing = [n for n in names if not _text(record.get(n))]
    if missing:
        raise RecordRejected(f"champ(s) obligatoire(s) manquant(s) : {', '.join(missing)}")


def structure_fields(record: dict) -> tuple[str, dict]:
    if not isinstance(record, dict):
        raise RecordRejected("une structure doit être un objet JSON")
    _required(record, "source", "id", "nom")
    networks = [str(n) for n in record.get("reseaux_porteurs") or []]
    typology = next(
        (NETWORK_TYPOLOGY[n] for n in networks if n in NETWORK_TYPOLOGY), StructureTypology.AUTRE
    )
    address = ", ".join(
        p
        for p in (
            _text(record.get("adresse")),
            _text(record.get("complement_adresse")),
            " ".join(
                p for p in (_text(record.get("code_postal")), _text(record.get("commune"))) if p
            ),
        )
        if p
    )
    return f"{record['source']}:{record['id']}", {
        "name": _text(record["nom"], 200),
        "siret": _text(record.get("siret"), 14),
        "typology": typology,
        "description": _text(record.get("description")),
        "address": address[:255],
        "postal_code": _text(record.get("code_postal"), 5),
        "commune": _text(record.get("commune"), 120),
        "commune_insee": _text(record.get("code_insee"), 5),
        "latitude": _float(record.get("latitude")),
        "longitude": _float(record.get("longitude")),
        "opening_hours": _text(record.get("horaires_accueil")),
        "phone": _text(record.get("telephone"), 30),
        "email": _text(record.get("courriel"), 254),
        "website": _text(record.get("site_web"), 500),
        "networks": networks,
    }


def service_fields(record: dict, structures: dict[str, Structure]) -> tuple[str, dict]:
    if not isinstance(record, dict):
        raise RecordRejected("un service doit être un objet JSON")
    _required(record, "source", "id", "structure_id", "nom", "description")
    structure = structures.get(f"{record['source']}:{record['structure_id']}")
    frais = [str(f) for f in (record.get("frais") or [])] if isinstance(
        record.get("frais"), list
    ) else [str(record["frais"])] if record.get("frais") else []  # fmt: skip
    publics = [str(p) for p in record.get("publics") or []]
    modes = [str(m) for m in record.get("modes_accueil") or []]
    description = _text(record["description"])
    return f"{record['source']}:{record['id']}", {
        "kind": "service",
        "title": _text(record["nom"], 200),
        "summary": short(description),
        "body": description,
        "themes": [
            t for t in record.get("thematiques") or [] if isinstance(t, str) and is_theme(t)
        ],
        "qpv_priority": "residents-qpv-frr" in publics,
        "structure": structure,
        "address": _text(record.get("adresse"), 255),
        "postal_code": _text(record.get("code_postal"), 5),
        "commune_insee": _text(record.get("code_insee"), 5),
        "latitude": _float(record.get("latitude")),
        "longitude": _float(record.get("longitude")),
        "is_remote": modes == ["a-distance"],
        "is_free": not frais or "gratuit" in frais,
        "contact_name": _text(record.get("contact_nom_prenom"), 120),
        "contact_email": _text(record.get("courriel"), 254),
        "contact_phone": _text(record.get("telephone"), 30),
        "apply_url": _text(record.get("lien_mobilisation"), 500),
        "source_url": _text(record.get("lien_source"), 500),
    }


def _record_name(kind: str, index: int, record: Any) -> str:
    ident = record.get("id") if isinstance(record, dict) else None
    return f"{kind} {index}" + (f" ({str(ident)[:80]})" if isinstance(ident, str | int) else "")


def _shallow(record: Any) -> Any:
    if too_deep(record):
        raise RecordRejected(f"enregistrement trop imbriqué (plus de {MAX_DEPTH} niveaux)")
    return record


def import_datainclusion(
    *, data: bytes, publish: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Upsert structures then services into the current city's schema."""
    report = ImportReport()
    try:
        document = json_document(data)
    except RecordRejected as exc:
        report.reject("fichier", str(exc))
        return report
    if isinstance(document, dict):
        structures_in = document.get("structures") or []
        services_in = document.get("services") or []
        if not isinstance(structures_in, list) or not isinstance(services_in, list):
            report.reject("fichier", "« structures » et « services » doivent être des listes")
            return report
    elif isinstance(document, list):
        is_service = (
            bool(document) and isinstance(document[0], dict) and "structure_id" in document[0]
        )
        structures_in, services_in = ([], document) if is_service else (document, [])
    else:
        report.reject("fichier", "le fichier doit contenir une liste ou un objet JSON")
        return report
    total = len(structures_in) + len(services_in)
    upsert_structure = Upserter(Structure, SOURCE, search=False)
    for index, record in enumerate(structures_in, start=1):
        name = _record_name("structure", index, record)
        try:
            external_id, fields = structure_fields(_shallow(record))
        except RecordRejected as exc:
            report.reject(name, str(exc))
            continue
        except Exception as exc:  # whatever a record holds, the others are imported
            report.reject(name, unreadable(name, exc))
            continue
        upsert_structure(report, name, external_id, fields)
        if progress:
            progress(index, total)
    structures = {s.external_id: s for s in Structure.objects.filter(source=SOURCE)}
    upsert_offer = Upserter(Offer, SOURCE)
    status = OfferStatus.PUBLISHED if publish else OfferStatus.DRAFT
    for index, record in enumerate(services_in, start=1):
        name = _record_name("service", index, record)
        try:
            external_id, fields = service_fields(_shallow(record), structures)
        except RecordRejected as exc:
            report.reject(name, str(exc))
            continue
        except Exception as exc:  # whatever a record holds, the others are imported
            report.reject(name, unreadable(name, exc))
            continue
        upsert_offer(report, name, external_id, {**fields, "status": status})
        if progress:
            progress(len(structures_in) + index, total)
    return report
