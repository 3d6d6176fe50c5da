from django.urls import path

from . import qr_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("qr/<str:kind>/<str:ident>.svg", qr_views.qr_svg, name="qr-svg"),
    path("staff/affiches/<str:kind>/<str:ident>.pdf", qr_views.qr_poster, name="qr-poster"),
    path("agenda/", views.agenda, name="agenda"),
    path("structures/", views.structures, name="structures"),
    path("structures/<uuid:structure_id>/", views.structure_detail, name="structure"),
    path("inspirations/", views.inspiration_list, name="inspirations"),
    path("inspirations/<int:pk>/", views.inspiration_detail, name="inspiration"),
    path("inspirations/ailleurs/<int:pk>/", views.network_story_detail, name="network-story"),
    path("mon-compte/", views.account, name="account"),
    path("mes-favoris/", views.saves, name="saves"),
    path("offres/<uuid:offer_id>/favori/", views.save_toggle, name="save"),
    path("mes-inscriptions/", views.registrations, name="registrations"),
    path("offres/<uuid:offer_id>/avis/", views.event_feedback, name="event-feedback"),
    path("offres/<uuid:offer_id>/inscription/", views.register, name="register"),
    path("mes-messages/", views.inbox, name="inbox"),
    path("staff/inscriptions/", views.staff_registrations, name="staff-registrations"),
    path(
        "staff/inscriptions/<uuid:offer_id>/",
        views.staff_event_registrations,
        name="staff-event-registrations",
    ),
    path(
        "staff/inscriptions/<uuid:offer_id>/presences/",
        views.staff_event_attendance,
        name="staff-event-attendance",
    ),
    path("staff/inspirations/", views.staff_inspirations, name="staff-inspirations"),
    path(
        "staff/inspirations/nouvelle/",
        views.staff_inspiration_form,
        name="staff-inspiration-create",
    ),
    path(
        "staff/inspirations/<int:pk>/", views.staff_inspiration_form, name="staff-inspiration-edit"
    ),
    path(
        "staff/inspirations/<int:pk>/action/",
        views.staff_inspiration_action,
        name="staff-inspiration-action",
    ),
]
