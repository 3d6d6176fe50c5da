from django.urls import path

from . import views

urlpatterns = [
    path("connexion/", views.SignInView.as_view(), name="login"),
    path("deconnexion/", views.SignOutView.as_view(), name="logout"),
    path("invitation/<str:secret>/", views.invitation_view, name="invitation"),
]
