"""Billing API routes: operators on the public host, the portal link on city hosts."""

from django.urls import path

from . import api

public_urlpatterns = [
    path("cities/<slug:slug>/billing/", api.CityBillingApi.as_view(), name="api-city-billing"),
    path(
        "cities/<slug:slug>/billing/checkout/",
        api.CityCheckoutApi.as_view(),
        name="api-city-billing-checkout",
    ),
]
tenant_urlpatterns = [
    path("billing/portal/", api.BillingPortalApi.as_view(), name="api-billing-portal"),
]
