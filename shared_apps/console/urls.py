from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.city_list, name="city-list"),
    path("journal/", views.audit_log, name="audit-log"),
    path("formules/", views.plans, name="plans"),
    path("villes/nouvelle/", views.onboarding, name="onboarding"),
    path("villes/<slug:slug>/", views.city_detail, name="city-detail"),
    path("villes/<slug:slug>/progression/", views.city_progress, name="city-progress"),
    path("villes/<slug:slug>/souscrire/", views.city_checkout, name="city-checkout"),
    path("villes/<slug:slug>/suspendre/", views.city_suspend, name="city-suspend"),
    path("villes/<slug:slug>/reactiver/", views.city_reactivate, name="city-reactivate"),
    path("villes/<slug:slug>/archiver/", views.city_archive, name="city-archive"),
    path("villes/<slug:slug>/supprimer/", views.city_drop, name="city-drop"),
    path("villes/<slug:slug>/domaines/ajouter/", views.domain_add, name="domain-add"),
    path("villes/<slug:slug>/domaines/principal/", views.domain_primary, name="domain-primary"),
    path("villes/<slug:slug>/domaines/retirer/", views.domain_remove, name="domain-remove"),
    path("villes/<slug:slug>/domaines/verifier/", views.domain_verify, name="domain-verify"),
    path("villes/<slug:slug>/fonctionnalites/", views.feature_allow, name="feature-allow"),
    path(
        "villes/<slug:slug>/fonctionnalites/formule/",
        views.feature_follow_plan,
        name="feature-follow-plan",
    ),
    path("villes/<slug:slug>/formule/", views.city_plan, name="city-plan"),
]
