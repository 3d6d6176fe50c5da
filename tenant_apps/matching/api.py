"""Advisors, mentors, bookings and inbox over the API (city hosts)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from kernel.errors import NotFound, PermissionDenied
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from shared_apps.accounts.models import Role
from tenants.access import CityAPIView, CityStaffAPIView, OnCityHost, canonical_url

from . import selectors, services
from .models import SLOT_MAX_CAPACITY, Advisor, AdvisorKind, InboxMessage, MeetingFormat
from .permissions import advisor_of, is_advisor


class CanManageAdvisors(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.role in (Role.ADMIN, Role.EDITOR)


class AdvisorSerializer(serializers.ModelSerializer):
    photo_url = serializers.SerializerMethodField()
    video_file_url = serializers.SerializerMethodField()

    class Meta:
        model = Advisor
        fields = ["id", "kind", "display_name", "organisation", "job_title", "bio", "video_url",
                  "video_file_url", "video_text", "photo_url", "photo_caption",
                  "topics", "freins", "languages", "formats", "location"]  # fmt: skip

    def _media(self, field) -> str | None:
        request = self.context.get("request")
        if not field or request is None:
            return None
        return canonical_url(request, field.url)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_photo_url(self, advisor) -> str | None:
        return self._media(advisor.photo)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_video_file_url(self, advisor) -> str | None:
        """The uploaded presentation video (MP4 or WebM); `video_url` is a link instead."""
        return self._media(advisor.video_file)


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    format = serializers.CharField()
    capacity = serializers.IntegerField()
    places_left = serializers.IntegerField(required=False)
    place = serializers.CharField(source="where")


def _about_offer(booking) -> dict | None:
    """The aid the young person wants help with, as titled when they booked."""
    if not booking.about_offer_id:
        return None
    return {"id": str(booking.about_offer_id), "title": booking.about_offer_title}


class BookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    advisor = serializers.CharField(source="slot.advisor.display_name")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    format = serializers.CharField(source="slot.format")
    place = serializers.CharField(source="slot.where")
    video_link = serializers.CharField(source="slot.video_link")
    canceled_at = serializers.DateTimeField(allow_null=True)
    about_offer = serializers.SerializerMethodField()

    def get_about_offer(self, booking) -> dict | None:
        return _about_offer(booking)


class AdvisorListApi(CityAPIView):
    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

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
        data = AdvisorSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class AdvisorDetailApi(CityAPIView):
    @extend_schema(responses={200: AdvisorSerializer}, tags=["advisors"])
    def get(self, request, advisor_id: int):
        advisor = selectors.advisor_list().filter(pk=advisor_id).first()
        if advisor is None:
            raise NotFound("Cette personne n'existe pas.")
        data = AdvisorSerializer(advisor, context={"request": request}).data
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
    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

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
                      "video_text", "topics", "freins", "languages", "formats",
                      "location"]  # fmt: skip

    @extend_schema(request=InputSerializer, responses={201: AdvisorSerializer}, tags=["advisors"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        advisor = services.advisor_create(by=request.user, **data.validated_data)
        output = AdvisorSerializer(advisor, context={"request": request}).data
        return Response(output, status=status.HTTP_201_CREATED)


class StaffSlotCreateApi(CityStaffAPIView):
    permission_classes = [OnCityHost, CanManageAdvisors]

    class InputSerializer(serializers.Serializer):
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        format = serializers.ChoiceField(choices=MeetingFormat.choices)
        capacity = serializers.IntegerField(min_value=1, max_value=SLOT_MAX_CAPACITY, default=1)
        place = serializers.CharField(max_length=200, required=False, allow_blank=True)
        video_link = serializers.URLField(max_length=300, required=False, allow_blank=True)

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
    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

    permission_classes = [OnCityHost, IsAuthenticated]

    @extend_schema(responses={200: InboxSerializer(many=True)}, tags=["notifications"])
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(request.user.inbox.all(), request, view=self)
        return paginator.get_paginated_response(InboxSerializer(page, many=True).data)


# Notification preferences of a young person


class NotificationSettingsSerializer(serializers.Serializer):
    digest = serializers.ChoiceField(choices=services.DIGEST_CHOICES, required=False)
    email = serializers.BooleanField(required=False)
    push = serializers.BooleanField(required=False)


class MyNotificationSettingsApi(CityAPIView):
    """`{"digest": "weekly"|"never", "email": bool, "push": bool}`: with e-mail off, reminders,
    cancellations and the digest come to the inbox only; push sends them to subscribed phones."""

    permission_classes = [OnCityHost, IsAuthenticated]

    @extend_schema(responses={200: NotificationSettingsSerializer}, tags=["notifications"])
    def get(self, request):
        return Response(selectors.notification_prefs(user=request.user))

    @extend_schema(
        request=NotificationSettingsSerializer,
        responses={200: NotificationSettingsSerializer},
        tags=["notifications"],
    )
    def patch(self, request):
        data = NotificationSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.notification_settings_update(user=request.user, **data.validated_data)
        return Response(selectors.notification_prefs(user=request.user))


# An advisor's own agenda (advisor token): their slots and bookings, nobody else's.


class IsAdvisor(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        if not is_advisor(request.user):
            raise PermissionDenied("Réservé aux conseillers et mentors.", code="not_advisor")
        return True


class AdvisorAPIView(CityAPIView):
    permission_classes = [OnCityHost, IsAdvisor]

    def advisor(self, request) -> Advisor:
        advisor = advisor_of(request.user)
        if advisor is None:
            raise PermissionDenied(
                "Ton compte n'est relié à aucune fiche de conseiller : demande à "
                "l'administrateur de ta ville.",
                code="advisor_not_linked",
            )
        return advisor


class AdvisorBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.IntegerField(source="slot_id")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    format = serializers.CharField(source="slot.format")
    capacity = serializers.IntegerField(source="slot.capacity")
    place = serializers.CharField(source="slot.where")
    video_link = serializers.CharField(source="slot.video_link")
    person = serializers.SerializerMethodField()
    message = serializers.CharField()
    about_offer = serializers.SerializerMethodField()
    booked_at = serializers.DateTimeField(source="created_at")
    canceled_at = serializers.DateTimeField(allow_null=True)

    def get_person(self, booking) -> str:
        """The pseudonym the young person chose (never their e-mail)."""
        return booking.user.display_name or "Un·e jeune"

    def get_about_offer(self, booking) -> dict | None:
        return _about_offer(booking)


class AdvisorBookingsApi(AdvisorAPIView):
    # Documented as paginated (drf-spectacular reads it); the view paginates itself.
    pagination_class = PageNumberPagination

    class FilterSerializer(serializers.Serializer):
        upcoming = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: AdvisorBookingSerializer(many=True)},
        tags=["advisors"],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        bookings = selectors.advisor_bookings(
            advisor=self.advisor(request), upcoming_only=filters.validated_data["upcoming"]
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(bookings, request, view=self)
        return paginator.get_paginated_response(AdvisorBookingSerializer(page, many=True).data)


class AdvisorSlotCreateApi(AdvisorAPIView):
    InputSerializer = StaffSlotCreateApi.InputSerializer

    @extend_schema(request=InputSerializer, responses={201: SlotSerializer}, tags=["advisors"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = services.slot_create(
            advisor=self.advisor(request), by=request.user, **data.validated_data
        )
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)


class AdvisorSlotCancelApi(AdvisorAPIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: SlotSerializer}, tags=["advisors"])
    def post(self, request, slot_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = self.advisor(request).slots.filter(pk=slot_id).first()
        if slot is None:
            raise NotFound("Ce créneau n'existe pas dans ton agenda.")
        slot = services.slot_cancel(
            slot=slot, by=request.user, reason=data.validated_data.get("reason", "")
        )
        return Response(SlotSerializer(slot).data)
