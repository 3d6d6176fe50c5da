from django.urls import path

from . import api

urlpatterns = [
    path("offers/", api.OfferListApi.as_view(), name="api-offer-list"),
    path("offers/<str:offer_id>/", api.OfferDetailApi.as_view(), name="api-offer-detail"),
]
