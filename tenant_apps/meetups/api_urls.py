from django.urls import path

from . import api

urlpatterns = [
    path(
        "speed-meetings/<int:meeting_id>/", api.SpeedMeetingApi.as_view(), name="api-speed-meeting"
    ),
    path(
        "speed-meetings/<int:meeting_id>/choices/",
        api.SpeedMeetingChoicesApi.as_view(),
        name="api-speed-meeting-choices",
    ),
    path(
        "speed-meetings/<int:meeting_id>/follow-ups/",
        api.SpeedMeetingFollowUpApi.as_view(),
        name="api-speed-meeting-follow-ups",
    ),
]
