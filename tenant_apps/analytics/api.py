"""GET /api/v1/analytics/diagnostic/ (staff token): the dashboard's figures as JSON."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from tenants.access import CityStaffAPIView

from .forms import FiltersSerializer, can_see_diagnostic
from .selectors import diagnostic_cached


class CanSeeDiagnostic(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_see_diagnostic(request.user)


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
        responses={200: dict},
        tags=["analytics"],
    )
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(diagnostic_cached(filters=params.to_filters()))
