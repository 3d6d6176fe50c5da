"""The staff API on a city host (bearer token of a team member), for the mobile app and tools:
the team (admin token) and the offers workflow, with the same services and role checks as the
pages. Every refusal is a 403 or 404 with the JSON error shape; another city's ids are 404s.

    GET|POST   /api/v1/staff/members/                  admin: the team; invite {"email", "role", "structures"}
    GET|PATCH|DELETE /api/v1/staff/members/{id}/       admin: role, structures, resend, deactivate
    GET|POST   /api/v1/staff/offers/                   the offers this token may see; create a draft
    GET|PATCH  /api/v1/staff/offers/{id}/
    POST       /api/v1/staff/offers/{id}/transition/   {"to": "in_review"|"published"|"archived"|"rejected", "reason"?}
"""  # noqa: E501

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from kernel.errors import NotFound
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from shared_apps.accounts.models import User
from tenant_apps.catalogue import services as catalogue_services
from tenant_apps.catalogue.models import Offer, OfferKind, OfferStatus, Structure
from tenant_apps.catalogue.permissions import can_read, offers_visible_to
from tenant_apps.catalogue.services import OFFER_EDITABLE
from tenants.access import CityStaffAPIView, current_city

from . import services
from .selectors import team_members

# The contract's target statuses → the catalogue's transitions.
TRANSITIONS = {
    OfferStatus.IN_REVIEW: "submit",
    OfferStatus.PUBLISHED: "publish",
    OfferStatus.ARCHIVED: "archive",
    "rejected": "reject",  # back to draft, with the reason the author reads
}


class IsCityAdmin(BasePermission):
    message = "Seul un administrateur de la ville gère l'équipe."

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.is_city_admin)


class CanReadCatalogue(BasePermission):
    message = "Ton rôle ne donne pas accès aux offres de la ville."

    def has_permission(self, request, view) -> bool:
        return can_read(request.user)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    role = serializers.CharField()
    structures = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    invitation_pending = serializers.SerializerMethodField()
    last_login = serializers.DateTimeField(allow_null=True)

    def get_structures(self, member: User) -> list[str]:
        return [str(m.structure_id) for m in member.partner_memberships.all()]

    def get_invitation_pending(self, member: User) -> bool:
        return member.is_active and not member.has_usable_password()


def _member_data(member: User) -> dict:
    member = team_members().prefetch_related("partner_memberships").get(pk=member.pk)
    return MemberSerializer(member).data


def _member(member_id: int) -> User:
    member = team_members().filter(pk=member_id).first()
    if member is None:
        raise NotFound("Cette personne ne fait pas partie de l'équipe.")
    return member


class StaffMemberListApi(CityStaffAPIView):
    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

    permission_classes = [*CityStaffAPIView.permission_classes, IsCityAdmin]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        role = serializers.CharField()
        structures = serializers.ListField(
            child=serializers.CharField(), required=False, default=list
        )

    @extend_schema(responses={200: MemberSerializer(many=True)}, tags=["staff"])
    def get(self, request):
        members = team_members().prefetch_related("partner_memberships")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(members, request, view=self)
        return paginator.get_paginated_response(MemberSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: MemberSerializer}, tags=["staff"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invited = services.member_invite(
            city=current_city(request), by=request.user, **data.validated_data
        )
        return Response(_member_data(invited.member), status=status.HTTP_201_CREATED)


class StaffMemberDetailApi(CityStaffAPIView):
    permission_classes = [*CityStaffAPIView.permission_classes, IsCityAdmin]

    class InputSerializer(serializers.Serializer):
        role = serializers.CharField(required=False)
        structures = serializers.ListField(child=serializers.CharField(), required=False)
        resend_invitation = serializers.BooleanField(required=False, default=False)

    @extend_schema(responses={200: MemberSerializer}, tags=["staff"])
    def get(self, request, member_id: int):
        return Response(_member_data(_member(member_id)))

    @extend_schema(request=InputSerializer, responses={200: MemberSerializer}, tags=["staff"])
    def patch(self, request, member_id: int):
        member = _member(member_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.member_update(
            member=member,
            by=request.user,
            role=values.get("role"),
            structures=values.get("structures"),
        )
        if values["resend_invitation"]:
            services.member_invitation_resend(
                city=current_city(request), member=member, by=request.user
            )
        return Response(_member_data(member))

    @extend_schema(responses={204: None}, tags=["staff"])
    def delete(self, request, member_id: int):
        """Deactivate: sessions and tokens stop working at once (the account is kept)."""
        services.member_deactivate(member=_member(member_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Offers


class StaffOfferSerializer(serializers.ModelSerializer):
    structure = serializers.PrimaryKeyRelatedField(
        queryset=Structure.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Offer
        fields = [
            "id", *sorted(OFFER_EDITABLE - {"structure"}), "structure", "status",
            "review_reason", "created_at", "updated_at", "published_at",
        ]  # fmt: skip
        read_only_fields = ["id", "status", "review_reason", "created_at", "updated_at",
                            "published_at"]  # fmt: skip


def _visible(request):
    return offers_visible_to(request.user, Offer.objects.select_related("structure"))


def _offer(request, offer_id) -> Offer:
    """One offer this token may see, else 404 (a partner and another structure's offer too)."""
    try:
        offer = _visible(request).filter(pk=offer_id).first()
    except (ValueError, TypeError, serializers.ValidationError):
        offer = None
    if offer is None:
        raise NotFound("Cette offre n'existe pas.")
    return offer


def _fields(serializer: StaffOfferSerializer) -> dict:
    return dict(serializer.validated_data)


class StaffOfferListApi(CityStaffAPIView):
    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

    permission_classes = [*CityStaffAPIView.permission_classes, CanReadCatalogue]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=OfferStatus.choices, required=False)
        kind = serializers.ChoiceField(choices=OfferKind.choices, required=False)
        q = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(parameters=[FilterSerializer], responses={200: StaffOfferSerializer(many=True)},
                   tags=["staff"])  # fmt: skip
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        offers = _visible(request).order_by("-updated_at")
        if filters.get("status"):
            offers = offers.filter(status=filters["status"])
        if filters.get("kind"):
            offers = offers.filter(kind=filters["kind"])
        if filters.get("q"):
            offers = offers.filter(
                Q(title__icontains=filters["q"]) | Q(summary__icontains=filters["q"])
            )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(offers, request, view=self)
        return paginator.get_paginated_response(StaffOfferSerializer(page, many=True).data)

    @extend_schema(request=StaffOfferSerializer, responses={201: StaffOfferSerializer},
                   tags=["staff"])  # fmt: skip
    def post(self, request):
        serializer = StaffOfferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = catalogue_services.offer_create(by=request.user, fields=_fields(serializer))
        return Response(StaffOfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class StaffOfferDetailApi(CityStaffAPIView):
    permission_classes = [*CityStaffAPIView.permission_classes, CanReadCatalogue]

    @extend_schema(responses={200: StaffOfferSerializer}, tags=["staff"])
    def get(self, request, offer_id):
        return Response(StaffOfferSerializer(_offer(request, offer_id)).data)

    @extend_schema(request=StaffOfferSerializer, responses={200: StaffOfferSerializer},
                   tags=["staff"])  # fmt: skip
    def patch(self, request, offer_id):
        offer = _offer(request, offer_id)
        serializer = StaffOfferSerializer(offer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        offer = catalogue_services.offer_update(
            offer=offer, by=request.user, fields=_fields(serializer)
        )
        return Response(StaffOfferSerializer(offer).data)


class StaffOfferTransitionApi(CityStaffAPIView):
    permission_classes = [*CityStaffAPIView.permission_classes, CanReadCatalogue]

    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(
            choices=list(TRANSITIONS),
            error_messages={"invalid_choice": "Statut inconnu : « {input} »."},
        )
        reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    @extend_schema(request=InputSerializer, responses={200: StaffOfferSerializer}, tags=["staff"])
    def post(self, request, offer_id):
        offer = _offer(request, offer_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = catalogue_services.offer_transition(
            offer=offer,
            by=request.user,
            action=TRANSITIONS[data.validated_data["to"]],
            reason=data.validated_data.get("reason", ""),
        )
        return Response(StaffOfferSerializer(offer).data)
