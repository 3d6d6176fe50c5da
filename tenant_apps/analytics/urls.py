from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("staff/diagnostic/", views.dashboard, name="diagnostic"),
    path("staff/diagnostic/export.csv", views.export_csv, name="export"),
    path("offres/<uuid:offer_id>/postuler/", views.apply_redirect, name="apply"),
]
