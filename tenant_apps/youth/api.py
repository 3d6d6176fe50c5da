"""Young people's API on a city host: sign-up, e-mail verification, profile, data rights."""

from __future__ import annotations

import secrets

from django.contrib.auth import logout
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from shared_apps.accounts import limits
from shared_apps.accounts.services import token_create
from tenants.access import CityAPIView, OnCityHost

from .choices import (
    MAX_MONTHLY_INCOME,
    MAX_MONTHLY_RENT,
    ConsentKind,
    DiplomaLevel,
    Frein,
    HousingStatus,
    LookingFor,
    Situation,
)
from .selectors import consent_as_dict, consent_list, profile_as_dict, user_data_export
from .services import (
    account_delete,
    consent_give,
    consent_withdraw,
    email_verify,
    profile_ensure,
    profile_update,
    verification_resend,
    youth_signup_request,
)


class SignupApi(CityAPIView):
    """Open a young person's account on this city (15 or older).

    An address that already has an account gets the same 201 and body (its token opens
    nothing) and its owner a mail saying so: the answer never tells whether an address is
    known here.
    """

    throttle_scope = "auth"
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)
        birth_date = serializers.DateField()
        accept_terms = serializers.BooleanField()
        display_name = serializers.CharField(required=False, allow_blank=True, max_length=60)

    class OutputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        display_name = serializers.CharField()
        email_verified = serializers.BooleanField()
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, tags=["youth"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"]
        limits.limit_hit(request, limits.SIGN_UP_CLIENT)
        limits.limit_hit(request, limits.SIGN_UP_ACCOUNT, account=email)
        user = youth_signup_request(**data.validated_data)
        body = {
            "email": email.strip().lower(),
            "display_name": (data.validated_data.get("display_name") or "").strip(),
            "email_verified": False,
            # A known address: a token like any other, stored nowhere.
            "token": token_create(user=user) if user else secrets.token_urlsafe(32),
        }
        return Response(self.OutputSerializer(body).data, status=status.HTTP_201_CREATED)


class VerifyEmailApi(CityAPIView):
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={204: None}, tags=["youth"])
    def post(self, request):
        limits.limit_hit(request, limits.VERIFY_EMAIL_CLIENT)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email_verify(token=data.validated_data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeAPIView(CityAPIView):
    permission_classes = [OnCityHost, IsAuthenticated]


class ResendVerificationApi(MeAPIView):
    class OutputSerializer(serializers.Serializer):
        sent = serializers.BooleanField()

    @extend_schema(request=None, responses={200: OutputSerializer}, tags=["youth"])
    def post(self, request):
        limits.limit_hit(request, limits.VERIFY_EMAIL_RESEND_CLIENT)
        limits.limit_hit(request, limits.VERIFY_EMAIL_RESEND_ACCOUNT, account=request.user.email)
        return Response({"sent": verification_resend(user=request.user)})


def _list(choices):
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), required=False, allow_null=True
    )


def _euros(most: int) -> serializers.DecimalField:
    """A monthly amount in euros, cents allowed."""
    return serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, max_value=most, required=False,
        allow_null=True,
    )  # fmt: skip


class ProfileApi(MeAPIView):
    """The young person's profile (DESIGN.md shape). PUT and PATCH change only the fields sent;
    null (or an empty list) clears an answer."""

    class InputSerializer(serializers.Serializer):
        birth_date = serializers.DateField(required=False, allow_null=True)
        situation = serializers.ChoiceField(
            choices=Situation.choices, required=False, allow_null=True, allow_blank=True
        )
        diploma_level = serializers.ChoiceField(
            choices=DiplomaLevel.choices, required=False, allow_null=True, allow_blank=True
        )
        commune_insee = serializers.CharField(
            required=False, allow_null=True, allow_blank=True, max_length=5
        )
        postal_code = serializers.CharField(
            required=False, allow_null=True, allow_blank=True, max_length=5
        )
        neighbourhood = serializers.CharField(
            required=False, allow_null=True, allow_blank=True, max_length=40
        )
        interests = serializers.ListField(
            child=serializers.CharField(max_length=80),
            required=False,
            allow_null=True,
            max_length=40,
        )
        freins = _list(Frein.choices)
        looking_for = _list(LookingFor.choices)
        has_driving_licence = serializers.BooleanField(required=False, allow_null=True)
        boursier = serializers.BooleanField(required=False, allow_null=True)
        net_income_monthly = _euros(MAX_MONTHLY_INCOME)
        housing_status = serializers.ChoiceField(
            choices=HousingStatus.choices, required=False, allow_null=True, allow_blank=True
        )
        rent_monthly = _euros(MAX_MONTHLY_RENT)
        lives_with_partner = serializers.BooleanField(required=False, allow_null=True)
        facts = serializers.DictField(required=False, allow_null=True)
        display_name = serializers.CharField(
            required=False, allow_null=True, allow_blank=True, max_length=60
        )

    class OutputSerializer(serializers.Serializer):
        birth_date = serializers.DateField(allow_null=True)
        situation = serializers.CharField(allow_null=True)
        diploma_level = serializers.CharField(allow_null=True)
        commune_insee = serializers.CharField(allow_null=True)
        postal_code = serializers.CharField(allow_null=True)
        neighbourhood = serializers.CharField(allow_null=True)
        is_qpv = serializers.BooleanField(allow_null=True)
        interests = serializers.ListField(child=serializers.CharField())
        freins = serializers.ListField(child=serializers.CharField())
        looking_for = serializers.ListField(child=serializers.CharField())
        has_driving_licence = serializers.BooleanField(allow_null=True)
        boursier = serializers.BooleanField(allow_null=True)
        net_income_monthly = serializers.FloatField(allow_null=True)
        housing_status = serializers.CharField(allow_null=True)
        rent_monthly = serializers.FloatField(allow_null=True)
        lives_with_partner = serializers.BooleanField(allow_null=True)
        facts = serializers.DictField()
        display_name = serializers.CharField(allow_blank=True)

    @extend_schema(responses={200: OutputSerializer}, tags=["youth"])
    def get(self, request):
        return Response(profile_as_dict(profile_ensure(user=request.user)))

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, tags=["youth"])
    def put(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = profile_update(user=request.user, data=dict(data.validated_data))
        return Response(profile_as_dict(profile))

    patch = put


class ExportApi(MeAPIView):
    """Everything the city keeps about me, as JSON (one section per app)."""

    @extend_schema(responses={200: dict}, tags=["youth"])
    def get(self, request):
        response = Response(user_data_export(user=request.user))
        if request.query_params.get("download"):
            response["Content-Disposition"] = 'attachment; filename="mes-donnees-tremplin.json"'
        return response


class MeDeleteApi(MeAPIView):
    """Erase my account and personal data now."""

    @extend_schema(responses={204: None}, tags=["youth"])
    def delete(self, request):
        account_delete(user=request.user)
        if request.session is not None:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConsentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    version = serializers.CharField()
    given_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class ConsentListApi(MeAPIView):
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ConsentKind.choices)

    @extend_schema(responses={200: ConsentSerializer(many=True)}, tags=["youth"])
    def get(self, request):
        return Response([consent_as_dict(c) for c in consent_list(user=request.user)])

    @extend_schema(request=InputSerializer, responses={201: ConsentSerializer}, tags=["youth"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = consent_give(user=request.user, kind=data.validated_data["kind"])
        return Response(consent_as_dict(consent), status=status.HTTP_201_CREATED)


class ConsentWithdrawApi(MeAPIView):
    @extend_schema(responses={200: ConsentSerializer}, tags=["youth"])
    def delete(self, request, kind: str):
        return Response(consent_as_dict(consent_withdraw(user=request.user, kind=kind)))
