from django.urls import path

from . import synthese_views, views

app_name = "analytics"

urlpatterns = [
    path("staff/diagnostic/", views.dashboard, name="diagnostic"),
    path("staff/diagnostic/export.csv", views.export_csv, name="export"),
    path("staff/diagnostic/synthese.pdf", synthese_views.synthese_download, name="synthese"),
    path("offres/<uuid:offer_id>/postuler/", views.apply_redirect, name="apply"),
]
