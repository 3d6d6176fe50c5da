"""Catalogue API on a city host: list/search and detail (local and national offers)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from kernel.errors import NotFound
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from tenant_apps.interactions import record
from tenants.access import CityAPIView, canonical_url
from tenants.pagecache import anonymous_data

from .api_docs import OfferDetailSerializer, OfferItemSerializer
from .models import OfferKind
from .selectors import (
    OfferFilters,
    OfferHit,
    how_to_apply,
    offer_get_for_city,
    offer_list_for_city,
)
from .themes import theme_labels


def parse_near(value: str) -> tuple[float, float]:
    try:
        lat_text, lon_text = value.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError as exc:
        raise serializers.ValidationError(
            "Indique une position au format LAT,LON (par exemple 48.65,2.39)."
        ) from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise serializers.ValidationError("Latitude ou longitude hors limites.")
    return lat, lon


class OfferFiltersSerializer(serializers.Serializer):
    """Query parameters of the offer list (also used by the public /offres/ page)."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(
        choices=OfferKind.choices,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": "Type inconnu : « {input} »."},
    )
    theme = serializers.CharField(required=False, allow_blank=True, max_length=120)
    near = serializers.CharField(required=False, allow_blank=True)
    radius_km = serializers.FloatField(
        required=False,
        min_value=0,
        max_value=1000,
        error_messages={"min_value": "Le rayon ne peut pas être négatif."},
    )
    # "from" is a Python keyword: declared below.
    to = serializers.DateField(required=False)
    free = serializers.BooleanField(required=False, default=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate_near(self, value: str):
        return parse_near(value) if value else None

    def validate_theme(self, value: str) -> str:
        if value and value not in theme_labels():
            raise serializers.ValidationError(f"Thématique inconnue : « {value} ».")
        return value

    def validate(self, attrs):
        if attrs.get("radius_km") is not None and not attrs.get("near"):
            raise serializers.ValidationError({"near": ["Indique une position avec le rayon."]})
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and end < start:
            raise serializers.ValidationError({"to": ["La date de fin précède celle de début."]})
        return attrs

    def to_filters(self) -> OfferFilters:
        data = self.validated_data
        return OfferFilters(
            q=(data.get("q") or "").strip(),
            kind=data.get("kind") or "",
            theme=data.get("theme") or "",
            near=data.get("near"),
            radius_km=data.get("radius_km"),
            date_from=data.get("from"),
            date_to=data.get("to"),
            free_only=data.get("free", False),
        )


def offer_page_path(hit: OfferHit) -> str:
    return reverse("catalogue:offer-detail", args=[hit.offer.pk])


def _location(hit: OfferHit) -> dict:
    o = hit.offer
    return {
        "address": o.address,
        "commune_insee": o.commune_insee,
        "postal_code": o.postal_code,
        "latitude": o.latitude,
        "longitude": o.longitude,
        "is_remote": o.is_remote,
        "distance_km": round(hit.distance_km, 2) if hit.distance_km is not None else None,
    }


def offer_item(hit: OfferHit, request) -> dict:
    o = hit.offer
    return {
        "id": str(o.pk),
        "kind": o.kind,
        "title": o.title,
        "summary": o.summary,
        "themes": o.themes,
        "location": _location(hit),
        "starts_at": o.starts_at.isoformat() if o.starts_at else None,
        "ends_at": o.ends_at.isoformat() if o.ends_at else None,
        "is_national": hit.is_national,
        "url": canonical_url(request, offer_page_path(hit)),
    }


def _decimal(value):
    return float(value) if value is not None else None


def _apply(hit: OfferHit) -> dict:
    """« Comment faire ma demande »: who grants it, the links, the papers, where to go."""
    how = how_to_apply(hit)
    return {
        "institution": how.institution,
        "teleservice_url": how.teleservice_url,
        "form_url": how.form_url,
        "instructions_url": how.instructions_url,
        "documents": how.documents,
        "place": how.place,
    }


def offer_detail(hit: OfferHit, request) -> dict:
    o = hit.offer
    structure = getattr(o, "structure", None)
    return {
        **offer_item(hit, request),
        "body": o.body,
        "audience": {
            "age_min": o.age_min,
            "age_max": o.age_max,
            "situations": o.situations,
            "qpv_only": o.qpv_only,
            "qpv_priority": o.qpv_priority,
        },
        "eligibility": o.eligibility,
        "amount": {
            "value": _decimal(o.amount_value),
            "unit": o.amount_unit,
            "legend": o.amount_legend,
            "periodicity": o.periodicity,
        },
        "institution": {"name": o.institution_name, "type": o.institution_type},
        "contract_type": o.contract_type,
        "apply_by": o.apply_by.isoformat() if o.apply_by else None,
        "capacity": o.capacity,
        "is_free": o.is_free,
        "price_eur": _decimal(o.price_eur),
        "contact": {"name": o.contact_name, "email": o.contact_email, "phone": o.contact_phone},
        "apply_url": o.apply_url,
        "apply": _apply(hit),
        "source_url": o.source_url,
        "media": {"image": o.image_url, "video": o.video_url, "panorama_360": o.panorama_url},
        "structure": (
            {
                "id": str(structure.pk),
                "name": structure.name,
                "typology": structure.typology,
                "address": structure.address,
                "opening_hours": structure.opening_hours,
                "phone": structure.phone,
                "email": structure.email,
                "website": structure.website,
                "places_available": structure.places_available,
                "places_updated_at": structure.places_updated_at,
            }
            if structure
            else None
        ),
        "pinned": hit.pinned,
        "local_note": hit.local_note,
    }


LIST_GENERATIONS = ("catalogue",)  # tenants.generations, bumped by every catalogue write
LIST_PARAMS = ("kind", "theme", "free", "page")  # cached; `q`, `near`… are not


def _record_again(request, event: dict) -> None:
    record(request, **event)


class OfferListApi(CityAPIView):
    """Published offers of this city merged with the national catalogue, searched and filtered."""

    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

    InputSerializer = OfferFiltersSerializer

    @extend_schema(
        parameters=[OfferFiltersSerializer], responses={200: OfferItemSerializer(many=True)}
    )
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.to_filters()
        # Anonymous callers share one answer per city, catalogue generation and query.
        data = anonymous_data(
            request,
            LIST_GENERATIONS,
            lambda: self._page(request, filters),
            params=LIST_PARAMS,
            on_hit=_record_again,
        )
        return Response(data)

    def _page(self, request, filters: OfferFilters) -> tuple[dict, dict | None]:
        results = offer_list_for_city(filters=filters)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(results, request, view=self)
        event = None
        if (filters.q or filters.theme) and paginator.page.number == 1:
            event = dict(kind="search", query=filters.q, results=paginator.page.paginator.count,
                         themes=[filters.theme])  # fmt: skip
            record(request, **event)
        response = paginator.get_paginated_response([offer_item(hit, request) for hit in page])
        return response.data, event


class OfferDetailApi(CityAPIView):
    """One offer visible in this city."""

    @extend_schema(responses={200: OfferDetailSerializer})
    def get(self, request, offer_id):
        hit = offer_get_for_city(offer_id=offer_id)
        if hit is None:
            raise NotFound("Cette offre n'existe pas ici.")
        record(request, "view", offer=hit.offer)
        return Response(offer_detail(hit, request))
