from django.urls import path

from . import views

urlpatterns = [
    path("connexion/", views.SignInView.as_view(), name="login"),
    path("deconnexion/", views.SignOutView.as_view(), name="logout"),
    # Two-factor authentication: the sign-in's second step, then set-up and management. Under
    # /connexion/, which a suspended city keeps open (tenants.middleware).
    path("connexion/code/", views.two_factor_verify_view, name="two_factor_verify"),
    path("connexion/double-authentification/", views.two_factor_view, name="two_factor"),
    path(
        "connexion/double-authentification/codes/",
        views.two_factor_codes_renew_view,
        name="two_factor_codes",
    ),
    path(
        "connexion/double-authentification/desactiver/",
        views.two_factor_disable_view,
        name="two_factor_disable",
    ),
    path("invitation/<str:secret>/", views.invitation_view, name="invitation"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
