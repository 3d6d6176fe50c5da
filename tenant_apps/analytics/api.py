"""GET /api/v1/analytics/diagnostic/ (staff token): the dashboard's figures as JSON."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from tenant_apps.voice.api import PollResultsSerializer
from tenants.access import CityStaffAPIView

from .forms import FiltersSerializer, can_see_diagnostic
from .selectors import diagnostic_cached


class CanSeeDiagnostic(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_see_diagnostic(request.user)


class VoicePollSerializer(PollResultsSerializer):
    status = serializers.ChoiceField(choices=["open", "closed"])
    status_label = serializers.CharField()
    created_at = serializers.DateField()
    closes_at = serializers.DateField(allow_null=True)


class VoiceIdeaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    answered = serializers.BooleanField()
    supports = serializers.JSONField(help_text='Supports given during the period, or "<10".')


class VoiceRatingSerializer(serializers.Serializer):
    offer = serializers.UUIDField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)
    count = serializers.IntegerField(help_text="Ratings (events under 10 ratings are left out).")
    mean = serializers.FloatField(help_text="From 1 to 5.")
    words = serializers.ListField(child=serializers.CharField())


class YouthVoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField(help_text="« Ce que disent les jeunes ».")
    whole_city = serializers.BooleanField(
        help_text="Always true: answers carry no neighbourhood, the filter does not apply."
    )
    note = serializers.CharField(
        allow_null=True, help_text="French note shown when a neighbourhood or commune is chosen."
    )
    polls = VoicePollSerializer(
        many=True, help_text="Open and closed polls live during the period, with their results."
    )
    ideas = VoiceIdeaSerializer(many=True, help_text="Ideas most supported during the period.")
    event_ratings = VoiceRatingSerializer(
        many=True, help_text="Events of the period with at least 10 ratings, best rated first."
    )


class DiagnosticSerializer(serializers.Serializer):
    period = serializers.JSONField(help_text='"from", "to", "neighbourhood", "population_day".')
    sections = serializers.JSONField(
        help_text='Sections with "figures" and "tables" (rows of counts, "<10" under ten).'
    )
    youth_voice = YouthVoiceSerializer()


class DiagnosticApi(CityStaffAPIView):
    """Figures of the diagnostic; any count about fewer than 10 young people is "<10"."""

    permission_classes = [*CityStaffAPIView.permission_classes, CanSeeDiagnostic]
    InputSerializer = FiltersSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="YYYY-MM-DD (whole months are counted)"),
            OpenApiParameter("to", str, description="YYYY-MM-DD"),
            OpenApiParameter("neighbourhood", str, description="code of a quartier"),
            OpenApiParameter(
                "commune", str, description="INSEE code of one of the territory's communes"
            ),
        ],
        responses={200: DiagnosticSerializer},
        tags=["analytics"],
    )
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(diagnostic_cached(filters=params.to_filters()))
