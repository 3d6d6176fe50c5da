from django.urls import path

from . import agenda_views, rights_views, views

app_name = "matching"
urlpatterns = [
    path("accompagnement/", views.advisor_list_view, name="advisors"),
    path("accompagnement/<int:advisor_id>/", views.advisor_detail_view, name="advisor"),
    path("accompagnement/creneaux/<int:slot_id>/reserver/", views.slot_book_view, name="book"),
    path("mes-rendez-vous/", views.my_bookings_view, name="my-bookings"),
    path("mes-rendez-vous/<int:booking_id>/annuler/", views.booking_cancel_view, name="cancel"),
    path("desabonnement/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("mon-compte/notifications/", views.notification_settings_view, name="notifications"),
    path("staff/mon-agenda/", agenda_views.agenda, name="agenda"),
    path("staff/mon-agenda/creneaux/", agenda_views.agenda_slot_add, name="agenda-slot-add"),
    path(
        "staff/mon-agenda/creneaux/<int:slot_id>/annuler/",
        agenda_views.agenda_slot_cancel,
        name="agenda-slot-cancel",
    ),
    path(
        "staff/mon-agenda/rendez-vous/<int:booking_id>/annuler/",
        agenda_views.agenda_booking_cancel,
        name="agenda-booking-cancel",
    ),
    path(
        "staff/mon-agenda/presentation/",
        agenda_views.agenda_presentation,
        name="agenda-presentation",
    ),
    path("mes-droits/", rights_views.rights_view, name="rights"),
    path("mes-droits/<uuid:offer_id>/demande/", rights_views.right_claim_view, name="claim"),
    path("pour-toi/", rights_views.feed_view, name="feed"),
]
