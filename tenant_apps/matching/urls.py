from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("accompagnement/", views.advisor_list_view, name="advisors"),
    path("accompagnement/<int:advisor_id>/", views.advisor_detail_view, name="advisor"),
    path("accompagnement/creneaux/<int:slot_id>/reserver/", views.slot_book_view, name="book"),
    path("mes-rendez-vous/", views.my_bookings_view, name="my-bookings"),
    path("mes-rendez-vous/<int:booking_id>/annuler/", views.booking_cancel_view, name="cancel"),
    path("desabonnement/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
