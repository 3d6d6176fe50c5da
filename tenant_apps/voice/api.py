"""`GET /api/v1/polls/` (open polls, with `answered`), `POST /api/v1/polls/{id}/answers/`
`{"answers": {"<question id>": value}}` (an index for a single choice, a list of indexes for
several, 1 to 5 for a note, a string for a short text) → 201, 409 when already answered or
closed; `GET /api/v1/staff/polls/{id}/results/` (staff) with "<10" suppression."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.errors import NotFound
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from shared_apps.accounts import limits
from tenant_apps.catalogue.permissions import can_read
from tenants.access import CityAPIView, CityStaffAPIView, OnCityHost

from . import selectors, services
from .models import Poll, PollStatus


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField())


class PollSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    intro = serializers.CharField()
    closes_at = serializers.DateTimeField(allow_null=True)
    allow_anonymous = serializers.BooleanField()
    answered = serializers.BooleanField()
    questions = QuestionSerializer(many=True)


class AnswersInput(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField())


class AnswerCreated(serializers.Serializer):
    poll = serializers.IntegerField()
    created_at = serializers.DateTimeField()


def _device_token(request) -> tuple[str, bool]:
    """The anonymous device's token from its cookie, or a new one (True: set the cookie)."""
    token = request.COOKIES.get(services.DEVICE_COOKIE, "")
    if 16 <= len(token) <= 64:
        return token, False
    return services.new_device_token(), True


def set_device_cookie(response, token: str) -> None:
    response.set_cookie(
        services.DEVICE_COOKIE,
        token,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=False,
    )


class PollListApi(CityAPIView):
    permission_classes = [OnCityHost, AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(responses={200: PollSerializer(many=True)}, tags=["voice"])
    def get(self, request):
        token = request.COOKIES.get(services.DEVICE_COOKIE, "")
        answered = selectors.polls_answered_by(
            user=request.user, device=services.device_key(token) if token else ""
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(list(selectors.polls_open()), request, view=self)
        items = [
            {
                "id": p.pk,
                "title": p.title,
                "intro": p.intro,
                "closes_at": p.closes_at,
                "allow_anonymous": p.allow_anonymous,
                "answered": p.pk in answered,
                "questions": [
                    {
                        "id": q.pk,
                        "kind": q.kind,
                        "label": q.label,
                        "required": q.required,
                        "choices": q.choices,
                    }
                    for q in p.questions.all()
                ],
            }
            for p in page
        ]
        return paginator.get_paginated_response(PollSerializer(items, many=True).data)


class PollAnswerApi(CityAPIView):
    permission_classes = [OnCityHost, AllowAny]

    @extend_schema(request=AnswersInput, responses={201: AnswerCreated}, tags=["voice"])
    def post(self, request, poll_id: int):
        limits.limit_hit(request, limits.POLL_ANSWER_CLIENT)
        data = AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, new = _device_token(request)
        response = services.poll_answer(
            poll_id=poll_id,
            user=request.user,
            device_token=token,
            answers=data.validated_data["answers"],
        )
        answer = Response(
            AnswerCreated({"poll": response.poll_id, "created_at": response.created_at}).data,
            status=status.HTTP_201_CREATED,
        )
        if new and not request.user.is_authenticated:
            set_device_cookie(answer, token)
        return answer


def can_read_results(user) -> bool:
    """The diagnostic's readers: admins, editors, elected officials; not partners."""
    return can_read(user) and getattr(user, "role", None) != "partner"


class CanReadResults(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_read_results(request.user)


class PollResultsSerializer(serializers.Serializer):
    poll = serializers.IntegerField()
    title = serializers.CharField()
    responses = serializers.JSONField(help_text='A count, or "<10".')
    suppressed = serializers.BooleanField()
    questions = serializers.JSONField(
        help_text='Per question: "choices" or "scale" with counts ("<10" under ten), "mean", '
        'or "texts" (from ten responses on).'
    )


class PollResultsApi(CityStaffAPIView):
    permission_classes = [*CityStaffAPIView.permission_classes, CanReadResults]

    @extend_schema(responses={200: PollResultsSerializer}, tags=["voice"])
    def get(self, request, poll_id: int):
        poll = Poll.objects.filter(pk=poll_id).exclude(status=PollStatus.DRAFT).first()
        if poll is None:
            raise NotFound("Ce sondage n'existe pas.", code="poll_not_found")
        return Response(selectors.poll_results(poll=poll))
