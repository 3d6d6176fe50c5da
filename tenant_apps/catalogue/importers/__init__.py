"""Importers into the catalogue. Each is idempotent (upsert by source + external_id), returns an
ImportReport (created / updated / unchanged / rejected with a reason per record) and never aborts
the batch on one bad record."""

from .base import ImportReport

__all__ = ["ImportReport"]
