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


class CityOutputSerializer(serializers.ModelSerializer):
    domains = serializers.SerializerMethodField()
    url = serializers.CharField(read_only=True)

    class Meta:
        model = City
        fields = ["slug", "name", "insee", "status", "domains", "url", "population", "created_at"]

    def get_domains(self, city: City) -> list[str]:
        return [domain.domain for domain in city.domains.all()]


class CityListCreateApi(OperatorAPIView):
    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        slug = serializers.CharField(max_length=40)
        insee = serializers.CharField(max_length=5)
        admin_email = serializers.EmailField()
        domain = serializers.CharField(required=False, allow_blank=True, max_length=253)
        primary_color = serializers.CharField(required=False, allow_blank=True, max_length=7)
        plan = serializers.CharField(required=False, allow_blank=True, max_length=60)

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
