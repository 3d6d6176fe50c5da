"""Portal API on a city host: my saves, event registration, my registrations."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from kernel.errors import PermissionDenied, ValidationFailed
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from shared_apps.accounts.models import Role
from tenants.access import CityAPIView, OnCityHost, canonical_url

from . import selectors, services
from .models import Registration


class IsYouth(BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.user.role != Role.YOUTH:
            raise PermissionDenied(
                "Cette fonction est réservée aux jeunes inscrits.", code="youth_only"
            )
        return True


class YouthAPIView(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated, IsYouth]


class SaveOutputSerializer(serializers.Serializer):
    offer_id = serializers.UUIDField()
    is_national = serializers.BooleanField()
    saved_at = serializers.DateTimeField()
    title = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    url = serializers.CharField()
    available = serializers.BooleanField()


def _save_output(item: selectors.SavedOffer, request) -> dict:
    return {
        "offer_id": item.save.offer_id,
        "is_national": item.save.is_national,
        "saved_at": item.save.saved_at,
        "title": item.offer.title if item.offer else None,
        "kind": item.offer.kind if item.offer else None,
        "url": canonical_url(
            request, reverse("api-offer-detail", kwargs={"offer_id": item.save.offer_id})
        ),
        "available": item.offer is not None,
    }


class SaveInputSerializer(serializers.Serializer):
    offer_id = serializers.UUIDField(error_messages={"invalid": "Identifiant d'offre invalide."})


def _offer_id_from(request) -> str:
    data = request.data if isinstance(request.data, dict) and request.data else request.query_params
    form = SaveInputSerializer(data={"offer_id": data.get("offer_id")})
    if not form.is_valid():
        raise ValidationFailed(
            "Indique l'offre (offer_id).", fields={"offer_id": ["Identifiant d'offre invalide."]}
        )
    return form.validated_data["offer_id"]


class MySavesApi(YouthAPIView):
    """GET my saved offers; POST {"offer_id"} to save; DELETE {"offer_id"} to forget."""

    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

    @extend_schema(responses=SaveOutputSerializer(many=True))
    def get(self, request):
        paginator = PageNumberPagination()
        items = paginator.paginate_queryset(selectors.saves_for(user=request.user), request, self)
        return paginator.get_paginated_response([_save_output(i, request) for i in items])

    @extend_schema(request=SaveInputSerializer, responses={201: SaveOutputSerializer})
    def post(self, request):
        save = services.save_add(user=request.user, offer_id=_offer_id_from(request))
        item = next(i for i in selectors.saves_for(user=request.user) if i.save.pk == save.pk)
        return Response(_save_output(item, request), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SaveInputSerializer, responses={204: None}, operation_id="v1_me_saves_forget"
    )
    def delete(self, request):
        services.save_remove(user=request.user, offer_id=_offer_id_from(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MySaveDeleteApi(YouthAPIView):
    @extend_schema(responses={204: None})
    def delete(self, request, offer_id: str):
        services.save_remove(user=request.user, offer_id=offer_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegistrationOutputSerializer(serializers.Serializer):
    offer_id = serializers.UUIDField()
    title = serializers.CharField(source="offer.title")
    starts_at = serializers.DateTimeField(source="offer.starts_at", allow_null=True)
    status = serializers.CharField()
    waitlist_rank = serializers.SerializerMethodField()
    registered_at = serializers.DateTimeField(source="created_at")

    def get_waitlist_rank(self, obj: Registration) -> int | None:
        return selectors.waitlist_rank(obj)


class OfferRegisterApi(YouthAPIView):
    """POST: register to this city's event (a place, or the waitlist); DELETE: cancel."""

    @extend_schema(request=None, responses={201: RegistrationOutputSerializer})
    def post(self, request, offer_id: str):
        registration = services.registration_create(user=request.user, offer_id=offer_id)
        return Response(
            RegistrationOutputSerializer(registration).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={200: RegistrationOutputSerializer})
    def delete(self, request, offer_id: str):
        registration = services.registration_cancel(user=request.user, offer_id=offer_id)
        return Response(RegistrationOutputSerializer(registration).data)


class MyRegistrationsApi(YouthAPIView):
    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

    @extend_schema(responses=RegistrationOutputSerializer(many=True))
    def get(self, request):
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(
            selectors.registrations_for(
                user=request.user, include_cancelled=request.query_params.get("all") == "true"
            ),
            request,
            self,
        )
        return paginator.get_paginated_response(RegistrationOutputSerializer(rows, many=True).data)
