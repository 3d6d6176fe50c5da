from django.urls import path

from . import views

app_name = "meetups"

urlpatterns = [
    path("adopte-un-pro/<int:pk>/", views.meeting_page, name="meeting"),
    path(
        "adopte-un-pro/<int:pk>/revoir/<int:rendezvous_id>/",
        views.youth_follow_up,
        name="follow-up",
    ),
    path("staff/adopte-un-pro/", views.staff_meetings, name="staff-meetings"),
    path("staff/adopte-un-pro/<int:pk>/", views.staff_meeting, name="staff-meeting"),
    path("staff/adopte-un-pro/<int:pk>/action/", views.staff_meeting_action, name="staff-action"),
    path("staff/adopte-un-pro/<int:pk>/fiche/", views.pro_card, name="pro-card"),
    path(
        "staff/adopte-un-pro/<int:pk>/revoir/<int:rendezvous_id>/",
        views.pro_follow_up,
        name="pro-follow-up",
    ),
]
