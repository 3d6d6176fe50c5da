from django.urls import path

from . import api, stories_api

urlpatterns = [
    path("stories/", stories_api.StoryListApi.as_view(), name="api-story-list"),
    path("me/saves/", api.MySavesApi.as_view(), name="api-my-saves"),
    path("me/saves/<str:offer_id>/", api.MySaveDeleteApi.as_view(), name="api-my-save"),
    path("me/registrations/", api.MyRegistrationsApi.as_view(), name="api-my-registrations"),
    path(
        "offers/<str:offer_id>/register/", api.OfferRegisterApi.as_view(), name="api-offer-register"
    ),
]
