"""Billing API: operators read a city's billing and open Checkout; city admins open the
Billing Portal."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.errors import PermissionDenied
from rest_framework import serializers
from rest_framework.response import Response

from shared_apps.accounts.models import Role
from tenants.access import CityStaffAPIView, OperatorAPIView, canonical_url, current_city
from tenants.models import build_url
from tenants.selectors import city_get_by_slug

from .selectors import city_billing_get, plan_list
from .services import checkout_session_create, portal_link_create


class CityBillingApi(OperatorAPIView):
    class OutputSerializer(serializers.Serializer):
        city = serializers.CharField()
        plan = serializers.CharField(allow_blank=True)
        plan_label = serializers.CharField(allow_blank=True)
        state = serializers.CharField()
        state_label = serializers.CharField()
        grace_until = serializers.DateTimeField(allow_null=True)
        trial_end = serializers.DateTimeField(allow_null=True)
        current_period_end = serializers.DateTimeField(allow_null=True)
        stripe_customer_id = serializers.CharField(allow_blank=True)
        stripe_subscription_id = serializers.CharField(allow_blank=True)
        city_status = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer}, tags=["billing"])
    def get(self, request, slug: str):
        city = city_get_by_slug(slug=slug)
        subscription = city_billing_get(city=city)
        labels = {plan.key: plan.label for plan in plan_list()}
        plan = subscription.plan if subscription else ""
        body = {
            "city": city.slug,
            "plan": plan,
            "plan_label": labels.get(plan, plan),
            "state": subscription.state if subscription else "none",
            "state_label": subscription.get_state_display() if subscription else "Sans abonnement",
            "grace_until": subscription.grace_until if subscription else None,
            "trial_end": subscription.trial_end if subscription else None,
            "current_period_end": subscription.current_period_end if subscription else None,
            "stripe_customer_id": subscription.stripe_customer_id if subscription else "",
            "stripe_subscription_id": subscription.stripe_subscription_id if subscription else "",
            "city_status": city.status,
        }
        return Response(self.OutputSerializer(body).data)


class CityCheckoutApi(OperatorAPIView):
    class InputSerializer(serializers.Serializer):
        plan = serializers.CharField(max_length=40)

    class OutputSerializer(serializers.Serializer):
        url = serializers.URLField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, tags=["billing"])
    def post(self, request, slug: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        city = city_get_by_slug(slug=slug)
        # Stripe's return address: the platform's canonical host, never the Host header's.
        back = canonical_url(request, f"/console/villes/{city.slug}/")
        url = checkout_session_create(
            city=city,
            plan=data.validated_data["plan"],
            by=request.user.email,
            success_url=back + "?paiement=ok",
            cancel_url=back + "?paiement=annule",
        )
        return Response(self.OutputSerializer({"url": url}).data, status=201)


class BillingPortalApi(CityStaffAPIView):
    """The city's admin opens Stripe's Billing Portal (invoices, payment method, plan)."""

    class OutputSerializer(serializers.Serializer):
        url = serializers.URLField()

    @extend_schema(request=None, responses={201: OutputSerializer}, tags=["billing"])
    def post(self, request):
        if request.user.role != Role.ADMIN:
            raise PermissionDenied("Seul un administrateur de la ville gère la facturation.")
        city = current_city(request)
        url = portal_link_create(city=city, return_url=build_url(city.primary_host, "/staff/"))
        return Response(self.OutputSerializer({"url": url}).data, status=201)
