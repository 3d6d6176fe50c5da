"""The journal names changed fields in French, even those whose model gives no French name."""

from __future__ import annotations

from django.apps import apps

from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.audit.wording import FIELD_LABELS, changed_fields


def _entry(object_type: str, *fields: str) -> StaffAuditEntry:
    return StaffAuditEntry(
        action=f"{object_type}.update", object_type=object_type,
        diff={name: [None, 1] for name in fields},
    )  # fmt: skip


def test_fields_without_a_french_name_read_in_french():
    assert changed_fields(_entry("user", "is_active", "role")) == ["actif ou non", "rôle"]
    assert changed_fields(_entry("advisor", "is_active", "photo")) == ["actif ou non", "photo"]
    assert changed_fields(_entry("offer", "status", "published_at")) == [
        "statut", "date de publication",
    ]  # fmt: skip
    assert changed_fields(_entry("nothing-known", "created_at")) == ["date de création"]


def test_a_structure_service_change_names_the_service_fields():
    """Journaled on the structure, the diff is the service's: its French names, not codes."""
    for action in ("structure.service", "structure.service_removed"):
        entry = StaffAuditEntry(
            action=action, object_type="structure",
            diff={"theme": [None, "mobilite--preparer-un-permis"], "next_availability": [None, 1],
                  "places_available": [None, 3]},
        )  # fmt: skip
        assert changed_fields(entry) == [
            "service (thématique data·inclusion)", "prochaine disponibilité", "places disponibles",
        ]  # fmt: skip


def test_no_field_staff_can_change_shows_django_english():
    """Every field of the models the staff journal records has a French name."""
    journaled = [
        "accounts.User", "matching.Advisor", "matching.Slot", "matching.Booking",
        "catalogue.Offer", "catalogue.Structure", "catalogue.StructureService",
        "branding.Branding", "branding.Page",
        "portal.Inspiration", "portal.Registration", "features.FeatureSetting",
    ]  # fmt: skip
    internal = {"id", "import_hash", "search_document", "search_vector", "singleton",
                "national_offer_id"}  # fmt: skip
    english = [
        f"{label}.{field.name}"
        for label in journaled
        for field in apps.get_model(label)._meta.concrete_fields
        if str(field.verbose_name) == field.name.replace("_", " ")
        and field.name not in FIELD_LABELS.keys() | internal
    ]
    assert english == []
