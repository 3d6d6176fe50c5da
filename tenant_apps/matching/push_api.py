"""`POST /api/v1/me/push-subscriptions/` with the browser's PushSubscription JSON (turns push on
for this device), `DELETE` with `{"endpoint"}` (this device stops). Young people only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.errors import PermissionDenied
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tenants.access import CityAPIView, OnCityHost

from . import push


class KeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(help_text="The device's P-256 public key (65 bytes, base64url).")
    auth = serializers.CharField(help_text="The device's auth secret (16 bytes, base64url).")


class PushSubscriptionInput(serializers.Serializer):
    endpoint = serializers.URLField(max_length=1000)
    # Checked by push.subscription_save, whose errors name the key (`keys.p256dh`, `keys.auth`):
    # a nested serializer's errors would not.
    keys = serializers.JSONField()
    expirationTime = serializers.IntegerField(required=False, allow_null=True)


class PushSubscriptionDoc(PushSubscriptionInput):
    keys = KeysSerializer()


class PushSubscriptionOutput(serializers.Serializer):
    endpoint = serializers.URLField()
    created_at = serializers.DateTimeField()


class EndpointInput(serializers.Serializer):
    endpoint = serializers.URLField(max_length=1000)


class MyPushSubscriptionsApi(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated]

    def _youth_only(self, request) -> None:
        if not request.user.is_youth:
            raise PermissionDenied(
                "Les notifications sur le téléphone sont pour les jeunes.", code="not_youth"
            )

    @extend_schema(
        request=PushSubscriptionDoc,
        responses={201: PushSubscriptionOutput},
        tags=["notifications"],
    )
    def post(self, request):
        self._youth_only(request)
        data = PushSubscriptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = push.subscription_save(user=request.user, data=data.validated_data)
        return Response(PushSubscriptionOutput(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EndpointInput, responses={204: None}, tags=["notifications"])
    def delete(self, request):
        self._youth_only(request)
        data = EndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        push.subscription_delete(user=request.user, endpoint=data.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)
