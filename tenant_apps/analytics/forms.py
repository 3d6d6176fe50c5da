"""The diagnostic's filters (page, API and export share them)."""

from __future__ import annotations

from django.db import connection
from rest_framework import serializers

from shared_apps.accounts.models import Role
from tenant_apps.youth.models import Neighbourhood

from .selectors import DiagnosticFilters, default_filters

# "Viewer and up": elected officials (viewer), editors and admins. Partner organisations do not
# see the city's diagnostic.
DIAGNOSTIC_ROLES = (Role.ADMIN, Role.EDITOR, Role.VIEWER)


def can_see_diagnostic(user) -> bool:
    return bool(user and user.is_authenticated and user.role in DIAGNOSTIC_ROLES)


class FiltersSerializer(serializers.Serializer):
    to = serializers.DateField(required=False)
    neighbourhood = serializers.CharField(required=False, allow_blank=True, max_length=40)
    commune = serializers.CharField(required=False, allow_blank=True, max_length=5)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)  # a Python keyword
        return fields

    def validate_neighbourhood(self, value: str) -> str:
        if value and not Neighbourhood.objects.filter(code=value).exists():
            raise serializers.ValidationError(f"Quartier inconnu : « {value} ».")
        return value

    def validate_commune(self, value: str) -> str:
        codes = getattr(connection.tenant, "commune_codes", None) or []
        if value and value not in codes:
            raise serializers.ValidationError(f"Commune hors du territoire : « {value} ».")
        return value

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and end < start:
            raise serializers.ValidationError({"to": ["La date de fin précède celle de début."]})
        return attrs

    def to_filters(self) -> DiagnosticFilters:
        data = self.validated_data
        default = default_filters()
        end = data.get("to") or default.date_to
        start = data.get("from") or (default.date_from if not data.get("to") else end)
        if start > end:
            start = end
        return DiagnosticFilters(
            start, end, data.get("neighbourhood") or "", data.get("commune") or ""
        )
