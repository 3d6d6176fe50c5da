"""`GET /api/v1/services/?q=permis&near=LAT,LON`: the services the city's structures offer,
those with room first, nearest first; `GET /api/v1/structures/{id}/`: one structure with its
services and their places."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema, inline_serializer
from kernel.errors import NotFound
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from tenants.access import CityAPIView, OnCityHost, canonical_url

from .api import parse_near
from .models import Structure, StructureService
from .selectors import services_search
from .themes import theme_labels


class ServiceFiltersSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    near = serializers.CharField(required=False, allow_blank=True)

    def validate_near(self, value: str):
        return parse_near(value) if value else None


class ServiceSerializer(serializers.Serializer):
    theme = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    places_available = serializers.IntegerField(allow_null=True)
    next_availability = serializers.DateField(allow_null=True)
    has_room = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


StructureBrief = inline_serializer(
    "StructureBrief",
    {
        "id": serializers.UUIDField(),
        "name": serializers.CharField(),
        "address": serializers.CharField(),
        "commune": serializers.CharField(),
        "latitude": serializers.FloatField(allow_null=True),
        "longitude": serializers.FloatField(allow_null=True),
    },
)


class ServiceHitSerializer(ServiceSerializer):
    structure = StructureBrief
    distance_km = serializers.FloatField(allow_null=True)


class PhotoSerializer(serializers.Serializer):
    url = serializers.CharField()
    alt = serializers.CharField()


class MediaSerializer(serializers.Serializer):
    photos = PhotoSerializer(many=True)
    video_url = serializers.CharField()
    video_text = serializers.CharField()
    panorama_url = serializers.CharField(allow_null=True)


class StructureDetailSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    typology = serializers.CharField()
    description = serializers.CharField()
    address = serializers.CharField()
    postal_code = serializers.CharField()
    commune = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    opening_hours = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    places_available = serializers.IntegerField(allow_null=True)
    access_info = serializers.CharField()
    media = MediaSerializer()
    services = ServiceSerializer(many=True)


def service_item(service: StructureService, labels: dict) -> dict:
    return {
        "theme": service.theme,
        "label": labels.get(service.theme, service.theme),
        "description": service.description,
        "places_available": service.places_available,
        "next_availability": service.next_availability,
        "has_room": service.has_room,
        "updated_at": service.updated_at,
    }


def _brief(s: Structure) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "address": s.address,
        "commune": s.commune,
        "latitude": s.latitude,
        "longitude": s.longitude,
    }


class ServiceListApi(CityAPIView):
    """Where is there room for « aide au permis »: services of the city's structures."""

    permission_classes = [OnCityHost, AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[ServiceFiltersSerializer],
        responses={200: ServiceHitSerializer(many=True)},
        tags=["structures"],
    )
    def get(self, request):
        params = ServiceFiltersSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        hits = services_search(
            q=params.validated_data.get("q", ""), near=params.validated_data.get("near")
        )
        labels = theme_labels()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(hits, request, view=self)
        items = [
            {
                **service_item(hit.service, labels),
                "structure": _brief(hit.service.structure),
                "distance_km": round(hit.distance_km, 2) if hit.distance_km is not None else None,
            }
            for hit in page
        ]
        return paginator.get_paginated_response(ServiceHitSerializer(items, many=True).data)


class StructureDetailApi(CityAPIView):
    permission_classes = [OnCityHost, AllowAny]

    @extend_schema(responses={200: StructureDetailSerializer}, tags=["structures"])
    def get(self, request, structure_id):
        try:
            pk = uuid.UUID(str(structure_id))
        except ValueError:
            pk = None
        structure = Structure.objects.filter(pk=pk).first() if pk else None
        if structure is None:
            raise NotFound("Ce lieu n'existe pas ici.", code="structure_not_found")
        labels = theme_labels()
        data = {
            **{
                name: getattr(structure, name)
                for name in (
                    "id",
                    "name",
                    "typology",
                    "description",
                    "address",
                    "postal_code",
                    "commune",
                    "latitude",
                    "longitude",
                    "opening_hours",
                    "phone",
                    "email",
                    "website",
                    "places_available",
                )
            },
            "access_info": structure.access_info,
            "media": {
                "photos": [
                    {"url": canonical_url(request, p.image.url), "alt": p.alt}
                    for p in structure.photos.all()
                ],
                "video_url": structure.video_url,
                "video_text": structure.video_text,
                "panorama_url": canonical_url(request, structure.panorama.url)
                if structure.panorama
                else None,
            },
            "services": [service_item(s, labels) for s in structure.services.all()],
        }
        return Response(StructureDetailSerializer(data).data)
