"""The shape of the catalogue API's answers, for the OpenAPI schema only.

api.py builds its answers as dicts (offer_item, offer_detail: local and national offers in one
list); these serializers describe them field for field, nullable where the dict may carry None.
tests/tremplin/test_openapi_fuzz.py checks real answers against them.
"""

from __future__ import annotations

from rest_framework import serializers

from .models import OfferKind


class OfferLocationSerializer(serializers.Serializer):
    address = serializers.CharField()
    commune_insee = serializers.CharField()
    postal_code = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    is_remote = serializers.BooleanField()
    distance_km = serializers.FloatField(
        allow_null=True, help_text="Distance to `near`, when the list was asked with it."
    )


class OfferItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=OfferKind.choices)
    title = serializers.CharField()
    summary = serializers.CharField()
    themes = serializers.ListField(child=serializers.CharField())
    location = OfferLocationSerializer()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    is_national = serializers.BooleanField()
    url = serializers.URLField(help_text="The offer's page on this city's site.")


class OfferAudienceSerializer(serializers.Serializer):
    age_min = serializers.IntegerField(allow_null=True)
    age_max = serializers.IntegerField(allow_null=True)
    situations = serializers.ListField(child=serializers.CharField())
    qpv_only = serializers.BooleanField()
    qpv_priority = serializers.BooleanField()


class OfferAmountSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    legend = serializers.CharField()
    periodicity = serializers.CharField()


class OfferInstitutionSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()


class OfferContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class OfferApplySerializer(serializers.Serializer):
    institution = serializers.CharField()
    teleservice_url = serializers.CharField()
    form_url = serializers.CharField()
    instructions_url = serializers.CharField()
    documents = serializers.ListField(child=serializers.CharField())
    place = serializers.CharField()


class OfferMediaSerializer(serializers.Serializer):
    image = serializers.CharField()
    video = serializers.CharField()
    panorama_360 = serializers.CharField()


class OfferStructureSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    typology = serializers.CharField()
    address = serializers.CharField()
    opening_hours = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    places_available = serializers.IntegerField(allow_null=True)
    places_updated_at = serializers.DateTimeField(allow_null=True)


class OfferDetailSerializer(OfferItemSerializer):
    body = serializers.CharField()
    audience = OfferAudienceSerializer()
    eligibility = serializers.JSONField(help_text="aides-jeunes rules, as imported.")
    amount = OfferAmountSerializer()
    institution = OfferInstitutionSerializer()
    contract_type = serializers.CharField(help_text="A local job's contract; empty elsewhere.")
    apply_by = serializers.DateField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    is_free = serializers.BooleanField()
    price_eur = serializers.FloatField(allow_null=True)
    contact = OfferContactSerializer()
    apply_url = serializers.CharField()
    apply = OfferApplySerializer()
    source_url = serializers.CharField()
    media = OfferMediaSerializer()
    structure = OfferStructureSerializer(allow_null=True)
    pinned = serializers.BooleanField()
    local_note = serializers.CharField()
