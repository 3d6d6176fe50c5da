from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("offres/", views.offer_list_page, name="offer-list"),
    path("offres/<uuid:offer_id>/", views.offer_detail_page, name="offer-detail"),
    path("agenda.ics", views.agenda_ics, name="agenda-ics"),
]
