"""Operator API on the platform's host: onboard a city, follow its provisioning."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from tenants.access import OperatorAPIView, canonical_url

from .models import City
from .selectors import city_get_by_slug
from .services import city_onboard
from .validation import MAX_COMMUNES, NO_TERRITORY


class CityOutputSerializer(serializers.ModelSerializer):
    domains = serializers.SerializerMethodField()
    url = serializers.CharField(read_only=True)

    class Meta:
        model = City
        fields = [
            "slug", "name", "insee", "communes", "status", "domains", "url", "population",
            "created_at",
        ]  # fmt: skip

    communes = serializers.ListField(
        child=serializers.CharField(),
        source="commune_codes",
        read_only=True,
        help_text="Les communes du territoire (codes INSEE), celle par défaut en premier.",
    )

    def get_domains(self, city: City) -> list[str]:
        return [domain.domain for domain in city.domains.all()]


class CityListCreateApi(OperatorAPIView):
    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

    class InputSerializer(serializers.Serializer):
        """The territory is one of `insee`, `communes` or `epci` (exactly one)."""

        name = serializers.CharField(max_length=120)
        slug = serializers.CharField(max_length=40)
        insee = serializers.CharField(
            required=False, allow_blank=True, max_length=5, help_text="Une seule commune."
        )
        communes = serializers.ListField(
            child=serializers.CharField(max_length=5),
            required=False,
            max_length=MAX_COMMUNES,
            help_text="Plusieurs communes (codes INSEE) ; la première est celle par défaut.",
        )
        epci = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=9,
            help_text="Toutes les communes d'un EPCI (SIREN), la plus peuplée par défaut.",
        )
        move_communes = serializers.BooleanField(
            required=False,
            default=False,
            help_text="Rattacher à la nouvelle ville les communes qu'une autre couvre déjà "
            "(sinon : 409 commune_covered).",
        )
        admin_email = serializers.EmailField()
        domain = serializers.CharField(required=False, allow_blank=True, max_length=253)
        primary_color = serializers.CharField(required=False, allow_blank=True, max_length=7)
        plan = serializers.CharField(required=False, allow_blank=True, max_length=60)

        def to_internal_value(self, data):
            # No territory at all is reported with the other missing fields, on `insee`.
            missing = isinstance(data, dict) and not any(
                data.get(name) for name in ("insee", "communes", "epci")
            )
            try:
                value = super().to_internal_value(data)
            except serializers.ValidationError as exc:
                if missing and isinstance(exc.detail, dict):
                    exc.detail.setdefault("insee", [serializers.ErrorDetail(NO_TERRITORY)])
                raise
            if missing:
                raise serializers.ValidationError({"insee": [NO_TERRITORY]})
            return value

    class AcceptedSerializer(serializers.Serializer):
        slug = serializers.CharField()
        status = serializers.CharField()
        status_url = serializers.CharField()

    @extend_schema(responses={200: CityOutputSerializer(many=True)}, tags=["cities"])
    def get(self, request):
        paginator = PageNumberPagination()
        cities = City.objects.prefetch_related("domains").order_by("slug")
        page = paginator.paginate_queryset(cities, request, view=self)
        return paginator.get_paginated_response(CityOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={202: AcceptedSerializer}, tags=["cities"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        city = city_onboard(
            **data.validated_data, by=request.user.email, via="api", background=True
        ).city
        status_url = canonical_url(request, reverse("api-city-detail", args=[city.slug]))
        body = {"slug": city.slug, "status": city.status, "status_url": status_url}
        return Response(self.AcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class CityDetailApi(OperatorAPIView):
    @extend_schema(responses={200: CityOutputSerializer}, tags=["cities"])
    def get(self, request, slug: str):
        return Response(CityOutputSerializer(city_get_by_slug(slug=slug)).data)
