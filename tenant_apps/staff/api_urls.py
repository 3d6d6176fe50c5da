from django.urls import path

from . import api

urlpatterns = [
    path("staff/members/", api.StaffMemberListApi.as_view(), name="api-staff-members"),
    path(
        "staff/members/<int:member_id>/",
        api.StaffMemberDetailApi.as_view(),
        name="api-staff-member",
    ),
    path("staff/offers/", api.StaffOfferListApi.as_view(), name="api-staff-offers"),
    path(
        "staff/offers/<uuid:offer_id>/", api.StaffOfferDetailApi.as_view(), name="api-staff-offer"
    ),
    path(
        "staff/offers/<uuid:offer_id>/transition/",
        api.StaffOfferTransitionApi.as_view(),
        name="api-staff-offer-transition",
    ),
]
