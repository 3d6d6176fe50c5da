"""Write the staff audit log. Called from every app's services, inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import StaffAuditEntry


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def model_snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The editable, concrete field values of `obj`, JSON-ready."""
    names = fields or [
        f.attname for f in obj._meta.concrete_fields if f.editable and not f.primary_key
    ]
    return {name: _plain(getattr(obj, name)) for name in names}


def diff_snapshots(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    label: str = "",
    diff: dict | None = None,
) -> StaffAuditEntry:
    """Append one row: who did `action` to which object, with the changed fields."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return StaffAuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_email=getattr(actor, "email", "") if is_user else (str(actor) if actor else ""),
        action=action,
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        object_label=(label or (str(obj) if obj is not None else ""))[:200],
        diff=diff or {},
    )
