from django.urls import path

from . import api

urlpatterns = [
    path("cities/", api.CityListCreateApi.as_view(), name="api-city-list"),
    path("cities/<slug:slug>/", api.CityDetailApi.as_view(), name="api-city-detail"),
]
