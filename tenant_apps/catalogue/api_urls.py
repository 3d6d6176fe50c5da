from django.urls import path

from . import api, structures_api

urlpatterns = [
    path("offers/", api.OfferListApi.as_view(), name="api-offer-list"),
    path("offers/<str:offer_id>/", api.OfferDetailApi.as_view(), name="api-offer-detail"),
    path("services/", structures_api.ServiceListApi.as_view(), name="api-service-list"),
    path(
        "structures/<str:structure_id>/",
        structures_api.StructureDetailApi.as_view(),
        name="api-structure-detail",
    ),
]
