"""Authentication endpoints, on every host: tokens are issued by, and valid on, that host only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tenants.access import AnyHostAPIView

from .services import token_issue


class TokenCreateApi(AnyHostAPIView):
    throttle_scope = "auth"
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)
        # Accounts with two-factor authentication (operators, city admins who turned it on):
        # the app's 6-digit code, or one of the recovery codes.
        otp = serializers.CharField(required=False, allow_blank=True, max_length=32)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, tags=["auth"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Django's request: the lockout flags it, for axes' middleware to answer 429.
        token = token_issue(request=request._request, **data.validated_data)
        return Response(self.OutputSerializer({"token": token}).data, status=status.HTTP_200_OK)


class MeApi(AnyHostAPIView):
    """Who the bearer of this token (or session) is, on this host."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        display_name = serializers.CharField()
        role = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer}, tags=["auth"])
    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)
