"""What every importer shares: the report and the idempotent upsert."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import OfferStatus
from ..services import offer_refresh_search

Progress = Callable[[int, int], None]  # (processed, total)


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
        self.hashes[external_id] = digest
        report.count(record, outcome)
        return obj
