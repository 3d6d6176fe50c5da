"""« Adopte un pro » over the API (city hosts).

- `GET /api/v1/speed-meetings/{id}/`: the event's speed meetings and its pros (anyone); a
  signed-in young person also gets `me` (registered, choices, schedule with follow-ups).
- `PUT /api/v1/speed-meetings/{id}/choices/` `{"pros": [id, …]}` by order of preference
  (young people registered to the event) → 200 and `me`; 409 once the schedule is sent.
- `POST /api/v1/speed-meetings/{id}/follow-ups/` `{"rendezvous": id}` (the young person of
  that rendezvous, after it started) → 201 `{"mutual": bool}`; a second call changes nothing.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.errors import NotFound, ValidationFailed
from rest_framework import serializers, status
from rest_framework.response import Response

from tenant_apps.portal.api import YouthAPIView
from tenants.access import CityAPIView

from . import selectors, services


class ProSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    job_title = serializers.CharField()
    organisation = serializers.CharField()
    pitch = serializers.CharField()
    table = serializers.CharField()


class ScheduleRowSerializer(serializers.Serializer):
    rendezvous = serializers.IntegerField()
    pro = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    asked_to_meet_again = serializers.BooleanField()
    other_side_asked = serializers.BooleanField()


class MeSerializer(serializers.Serializer):
    registered = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.IntegerField())
    schedule = ScheduleRowSerializer(many=True)
    missed = serializers.ListField(child=serializers.IntegerField())


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.UUIDField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    rounds = serializers.IntegerField()
    round_minutes = serializers.IntegerField()
    break_minutes = serializers.IntegerField()
    choices_max = serializers.IntegerField()
    choices_open = serializers.BooleanField()
    schedule_sent = serializers.BooleanField()
    pros = ProSerializer(many=True)
    me = MeSerializer(allow_null=True)


class ChoicesInput(serializers.Serializer):
    pros = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=10)


class FollowUpInput(serializers.Serializer):
    rendezvous = serializers.IntegerField(min_value=1)


class FollowUpOutput(serializers.Serializer):
    mutual = serializers.BooleanField()


def _meeting(meeting_id: int):
    meeting = selectors.meeting_get(meeting_id)
    if meeting is None:
        raise NotFound("Ces rencontres n'existent pas dans ta ville.", code="meeting_not_found")
    return meeting


def _me(user, meeting) -> dict | None:
    if not (user.is_authenticated and user.is_youth):
        return None
    state = selectors.youth_state(user=user, meeting=meeting)
    return {
        "registered": state.registered,
        "choices": state.chosen,
        "schedule": [
            {
                "rendezvous": row.rendezvous.pk,
                "pro": row.rendezvous.pro_id,
                "starts_at": row.starts_at,
                "ends_at": row.ends_at,
                "asked_to_meet_again": row.asked,
                "other_side_asked": row.asked_by_other,
            }
            for row in state.schedule
        ],
        "missed": [pro.pk for pro in state.missed],
    }


def _output(request, meeting) -> dict:
    return MeetingSerializer(
        {
            "id": meeting.pk,
            "event": meeting.offer_id,
            "title": meeting.offer.title,
            "starts_at": meeting.offer.starts_at,
            "rounds": meeting.rounds,
            "round_minutes": meeting.round_minutes,
            "break_minutes": meeting.break_minutes,
            "choices_max": meeting.choices_max,
            "choices_open": meeting.choices_open,
            "schedule_sent": meeting.schedule_sent_at is not None,
            "pros": list(selectors.pros_of(meeting)),
            "me": _me(request.user, meeting),
        }
    ).data


def _valid(serializer_class, data):
    form = serializer_class(data=data if isinstance(data, dict) else {})
    if not form.is_valid():
        raise ValidationFailed(
            "Requête invalide.",
            fields={k: [str(e) for e in v] if isinstance(v, list) else [str(v)]
                    for k, v in form.errors.items()},
        )  # fmt: skip
    return form.validated_data


class SpeedMeetingApi(CityAPIView):
    @extend_schema(responses={200: MeetingSerializer}, tags=["meetups"])
    def get(self, request, meeting_id: int):
        return Response(_output(request, _meeting(meeting_id)))


class SpeedMeetingChoicesApi(YouthAPIView):
    @extend_schema(request=ChoicesInput, responses={200: MeetingSerializer}, tags=["meetups"])
    def put(self, request, meeting_id: int):
        meeting = _meeting(meeting_id)
        data = _valid(ChoicesInput, request.data)
        services.choices_set(user=request.user, meeting_id=meeting.pk, pro_ids=data["pros"])
        return Response(_output(request, meeting))


class SpeedMeetingFollowUpApi(YouthAPIView):
    @extend_schema(request=FollowUpInput, responses={201: FollowUpOutput}, tags=["meetups"])
    def post(self, request, meeting_id: int):
        meeting = _meeting(meeting_id)
        data = _valid(FollowUpInput, request.data)
        if not meeting.rendezvous.filter(pk=data["rendezvous"]).exists():
            raise NotFound("Cette rencontre n'existe pas.", code="rendezvous_not_found")
        _, mutual = services.follow_up_request(by=request.user, rendezvous_id=data["rendezvous"])
        return Response({"mutual": mutual}, status=status.HTTP_201_CREATED)
