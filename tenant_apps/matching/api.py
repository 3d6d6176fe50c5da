"""Advisors, mentors, bookings and inbox over the API (city hosts)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.errors import NotFound
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from shared_apps.accounts.models import Role
from tenants.access import CityAPIView, CityStaffAPIView, OnCityHost

from . import selectors, services
from .models import Advisor, AdvisorKind, InboxMessage, MeetingFormat


class CanManageAdvisors(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.role in (Role.ADMIN, Role.EDITOR)


class AdvisorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Advisor
        fields = ["id", "kind", "display_name", "organisation", "job_title", "bio", "video_url",
                  "topics", "freins", "languages", "formats", "location"]  # fmt: skip


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    format = serializers.CharField()


class BookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    advisor = serializers.CharField(source="slot.advisor.display_name")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    format = serializers.CharField(source="slot.format")
    canceled_at = serializers.DateTimeField()
    about_offer = serializers.SerializerMethodField()

    def get_about_offer(self, booking) -> dict | None:
        """The aid the young person wants help with, as titled when they booked."""
        if not booking.about_offer_id:
            return None
        return {"id": str(booking.about_offer_id), "title": booking.about_offer_title}


class AdvisorListApi(CityAPIView):
    class FilterSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=AdvisorKind.choices, required=False)
        topic = serializers.CharField(required=False, max_length=80)
        format = serializers.ChoiceField(choices=MeetingFormat.choices, required=False)

    @extend_schema(parameters=[FilterSerializer], responses={200: AdvisorSerializer(many=True)},
                   tags=["advisors"])  # fmt: skip
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.advisor_list(**filters.validated_data), request, view=self
        )
        return paginator.get_paginated_response(AdvisorSerializer(page, many=True).data)


class AdvisorDetailApi(CityAPIView):
    @extend_schema(responses={200: AdvisorSerializer}, tags=["advisors"])
    def get(self, request, advisor_id: int):
        advisor = selectors.advisor_list().filter(pk=advisor_id).first()
        if advisor is None:
            raise NotFound("Cette personne n'existe pas.")
        data = AdvisorSerializer(advisor).data
        data["slots"] = SlotSerializer(selectors.slots_free(advisor=advisor), many=True).data
        return Response(data)


class SlotBookApi(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        message = serializers.CharField(required=False, allow_blank=True, max_length=1000)
        # « Je me fais aider »: the id of an aid (local or national) visible in this city.
        about_offer = serializers.UUIDField(
            required=False,
            allow_null=True,
            error_messages={"invalid": "Indique l'identifiant d'une aide."},
        )

    @extend_schema(request=InputSerializer, responses={201: BookingSerializer}, tags=["advisors"])
    def post(self, request, slot_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        booking = services.booking_create(
            slot_id=slot_id,
            user=request.user,
            message=fields.get("message", ""),
            about_offer_id=fields.get("about_offer"),
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class MyBookingsApi(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated]

    @extend_schema(responses={200: BookingSerializer(many=True)}, tags=["advisors"])
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.bookings_for(user=request.user), request, view=self
        )
        return paginator.get_paginated_response(BookingSerializer(page, many=True).data)


class BookingCancelApi(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated]

    @extend_schema(request=None, responses={200: BookingSerializer}, tags=["advisors"])
    def post(self, request, booking_id: int):
        booking = services.booking_cancel(booking_id=booking_id, user=request.user)
        return Response(BookingSerializer(booking).data)


class StaffAdvisorCreateApi(CityStaffAPIView):
    permission_classes = [OnCityHost, CanManageAdvisors]

    class InputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Advisor
            fields = ["kind", "display_name", "organisation", "job_title", "bio", "video_url",
                      "topics", "freins", "languages", "formats", "location"]  # fmt: skip

    @extend_schema(request=InputSerializer, responses={201: AdvisorSerializer}, tags=["advisors"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        advisor = services.advisor_create(by=request.user, **data.validated_data)
        return Response(AdvisorSerializer(advisor).data, status=status.HTTP_201_CREATED)


class StaffSlotCreateApi(CityStaffAPIView):
    permission_classes = [OnCityHost, CanManageAdvisors]

    class InputSerializer(serializers.Serializer):
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        format = serializers.ChoiceField(choices=MeetingFormat.choices)

    @extend_schema(request=InputSerializer, responses={201: SlotSerializer}, tags=["advisors"])
    def post(self, request, advisor_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        advisor = Advisor.objects.filter(pk=advisor_id).first()
        if advisor is None:
            raise NotFound("Cette personne n'existe pas.")
        slot = services.slot_create(advisor=advisor, by=request.user, **data.validated_data)
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)


class InboxSerializer(serializers.ModelSerializer):
    class Meta:
        model = InboxMessage
        fields = ["id", "title", "body", "link", "offer_id", "created_at", "read_at"]


class MyInboxApi(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated]

    @extend_schema(responses={200: InboxSerializer(many=True)}, tags=["notifications"])
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(request.user.inbox.all(), request, view=self)
        return paginator.get_paginated_response(InboxSerializer(page, many=True).data)
