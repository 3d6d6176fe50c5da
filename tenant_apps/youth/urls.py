from django.urls import path

from . import views

app_name = "youth"

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("compte/verifier/renvoyer/", views.resend_verification, name="verification_resend"),
    path("compte/verifier/<str:token>/", views.verify_email, name="verify_email"),
    path("mon-profil/", views.profile, name="profile"),
    path("mon-profil/<slug:slug>/", views.profile_step, name="step"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/export.json", views.export_download, name="export"),
    path("mes-donnees/consentements/<str:kind>/", views.consent_change, name="consent"),
    path("mes-donnees/supprimer/", views.delete_account, name="delete"),
]
