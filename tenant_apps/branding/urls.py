from django.urls import path

from . import views

app_name = "branding"

urlpatterns = [
    path("a-propos/", views.page, {"slug": "a-propos"}, name="about"),
    path("contact/", views.page, {"slug": "contact"}, name="contact"),
    path("mentions-legales/", views.page, {"slug": "mentions-legales"}, name="legal"),
    path("hors-ligne/", views.offline, name="offline"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("icon.svg", views.icon, name="icon"),
    path("sw.js", views.service_worker, name="sw"),
    path("staff/branding/", views.staff_branding, name="staff"),
    path("staff/branding/pages/<slug:slug>/", views.staff_page_edit, name="staff-page"),
]
