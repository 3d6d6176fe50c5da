from django.urls import path

from . import api, push_api, rights_api

urlpatterns = [
    path("advisors/", api.AdvisorListApi.as_view(), name="api-advisor-list"),
    path("advisors/<int:advisor_id>/", api.AdvisorDetailApi.as_view(), name="api-advisor-detail"),
    path("advisors/slots/<int:slot_id>/book/", api.SlotBookApi.as_view(), name="api-slot-book"),
    path("me/bookings/", api.MyBookingsApi.as_view(), name="api-my-bookings"),
    path(
        "me/bookings/<int:booking_id>/cancel/",
        api.BookingCancelApi.as_view(),
        name="api-booking-cancel",
    ),
    path("me/inbox/", api.MyInboxApi.as_view(), name="api-my-inbox"),
    path(
        "me/push-subscriptions/",
        push_api.MyPushSubscriptionsApi.as_view(),
        name="api-my-push-subscriptions",
    ),
    path(
        "me/notifications/",
        api.MyNotificationSettingsApi.as_view(),
        name="api-my-notifications",
    ),
    path("advisor/bookings/", api.AdvisorBookingsApi.as_view(), name="api-advisor-bookings"),
    path("advisor/slots/", api.AdvisorSlotCreateApi.as_view(), name="api-advisor-slot-create"),
    path(
        "advisor/slots/<int:slot_id>/cancel/",
        api.AdvisorSlotCancelApi.as_view(),
        name="api-advisor-slot-cancel",
    ),
    path("me/rights/", rights_api.MyRightsApi.as_view(), name="api-my-rights"),
    path(
        "me/rights/<str:offer_id>/claim/",
        rights_api.RightClaimApi.as_view(),
        name="api-right-claim",
    ),
    path("rights/evaluate/", rights_api.RightsEvaluateApi.as_view(), name="api-rights-evaluate"),
    path(
        "rights/evaluate/<str:token>/",
        rights_api.RightsEvaluatePollApi.as_view(),
        name="api-rights-evaluate-poll",
    ),
    path("me/feed/", rights_api.MyFeedApi.as_view(), name="api-my-feed"),
    path("staff/advisors/", api.StaffAdvisorCreateApi.as_view(), name="api-staff-advisor-create"),
    path(
        "staff/advisors/<int:advisor_id>/slots/",
        api.StaffSlotCreateApi.as_view(),
        name="api-staff-slot-create",
    ),
]
