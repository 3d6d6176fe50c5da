"""What every importer shares: the report, the checks any record's values pass before they
are stored, and the idempotent upsert.

An importer never stops on a file: a file it cannot read at all is one rejection named
"fichier" (one French line), and a record it cannot read or store is one rejection with its
reason; every other record is imported.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from ..models import OfferStatus
from ..services import offer_refresh_search

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (processed, total)
MAX_DEPTH = 20  # nesting of lists and objects a record (or one of its values) may have
YEARS = range(1900, 2201)  # dates outside these years are typing errors, not offers


class RecordRejected(Exception):
    """One record cannot be imported; the message (French) says why."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[dict[str, str]] = field(default_factory=list)  # [{"record", "reason"}]
    outcomes: dict[str, str] = field(default_factory=dict)  # record → created/updated/…

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def count(self, record: str, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.outcomes[record] = outcome

    def reject(self, record: str, reason: str) -> None:
        self.rejections.append({"record": record, "reason": reason})
        self.outcomes[record] = "rejected"

    def merge(self, other: ImportReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejections += other.rejections
        self.outcomes.update(other.outcomes)

    def summary(self) -> str:
        return (
            f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s), "
            f"{self.rejected} rejeté(s)"
        )


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def unreadable(record: str, exc: BaseException) -> str:
    """The reason given for a record that broke an importer in an unforeseen way (logged, so
    the importer can learn to say why next time)."""
    logger.warning("Import: record %s rejected by %r", record, exc, exc_info=exc)
    return f"enregistrement illisible ({exc.__class__.__name__})"


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests lists or objects deeper than `limit` (walked without recursion,
    so a hostile document cannot exhaust the stack)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth >= limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "caractère nul (\\x00)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "texte illisible (caractère invalide)"
    return None


def value_problem(name: str, value: Any) -> str | None:
    """Why one field value cannot be stored, in French; None when it can."""
    if too_deep(value):
        return f"« {name} » est trop imbriqué (plus de {MAX_DEPTH} niveaux)"
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if problem := _text_problem(item):
                return f"{problem} dans « {name} »"
        elif isinstance(item, date):  # datetimes too
            if item.year not in YEARS:
                return f"date hors limites dans « {name} » : {item.isoformat()}"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


def record_problem(fields: dict[str, Any]) -> str | None:
    """The first reason a record's values cannot be stored (NUL characters, undecodable text,
    nesting, impossible dates); None when they all can."""
    for name, value in fields.items():
        if problem := value_problem(name, value):
            return problem
    return None


def fingerprint(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


class Upserter:
    """Create-or-update rows of `model` identified by (source, external_id), one savepoint each.

    Existing fingerprints are read once, so an unchanged record costs no query.
    """

    def __init__(self, model, source: str, *, search: bool = True) -> None:
        self.model = model
        self.source = source
        self.search = search
        self.hashes = dict(
            model.objects.filter(source=source)
            .exclude(external_id="")
            .values_list("external_id", "import_hash")
        )

    def __call__(self, report: ImportReport, record: str, external_id: str, fields: dict) -> Any:
        if problem := record_problem({"identifiant": external_id, **fields}):
            report.reject(record, problem)
            return None
        digest = fingerprint(fields)
        if self.hashes.get(external_id) == digest:
            report.count(record, "unchanged")
            return None
        try:
            with transaction.atomic():
                obj = self.model.objects.filter(source=self.source, external_id=external_id).first()
                outcome = "updated" if obj is not None else "created"
                if obj is None:
                    obj = self.model(source=self.source, external_id=external_id)
                for name, value in fields.items():
                    setattr(obj, name, value)
                obj.import_hash = digest
                if self.search:
                    offer_refresh_search(obj)
                    if obj.status == OfferStatus.PUBLISHED and obj.published_at is None:
                        obj.published_at = timezone.now()
                obj.full_clean()
                obj.save()
        except ValidationError as exc:
            report.reject(record, validation_message(exc))
            return None
        except IntegrityError as exc:
            report.reject(record, f"conflit en base : {exc.__class__.__name__}")
            return None
        except DatabaseError as exc:  # a value the database refuses (the savepoint is undone)
            report.reject(record, f"valeur refusée par la base de données ({type(exc).__name__})")
            return None
        except (ValueError, TypeError, OverflowError) as exc:  # a value Django cannot convert
            report.reject(record, f"valeur illisible : {exc}")
            return None
        self.hashes[external_id] = digest
        report.count(record, outcome)
        return obj
