from django.urls import path

from . import api

urlpatterns = [
    path("polls/", api.PollListApi.as_view(), name="api-poll-list"),
    path("polls/<int:poll_id>/answers/", api.PollAnswerApi.as_view(), name="api-poll-answers"),
    path(
        "staff/polls/<int:poll_id>/results/",
        api.PollResultsApi.as_view(),
        name="api-staff-poll-results",
    ),
]
