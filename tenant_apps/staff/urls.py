from django.urls import path

from . import advisor_views, team_views, views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("offres/", views.offer_list, name="offers"),
    path("offres/nouvelle/", views.offer_create, name="offer-create"),
    path("offres/actions/", views.offer_bulk, name="offer-bulk"),
    path("offres/<uuid:offer_id>/", views.offer_edit, name="offer-edit"),
    path("offres/<uuid:offer_id>/apercu/", views.offer_preview, name="offer-preview"),
    path("offres/<uuid:offer_id>/statut/", views.offer_action, name="offer-action"),
    path("structures/", views.structure_list, name="structures"),
    path("structures/nouvelle/", views.structure_form, name="structure-create"),
    path("structures/<uuid:structure_id>/", views.structure_form, name="structure-edit"),
    path(
        "structures/<uuid:structure_id>/livret/",
        views.structure_booklet,
        name="structure-booklet",
    ),
    path(
        "structures/<uuid:structure_id>/services/",
        views.structure_services,
        name="structure-services",
    ),
    path("catalogue-national/", views.national_list, name="national"),
    path("catalogue-national/<uuid:offer_id>/", views.national_setting, name="national-setting"),
    path("imports/", views.import_page, name="imports"),
    path("imports/modele.csv", views.csv_template, name="csv-template"),
    path("accompagnement/", advisor_views.advisor_list, name="advisors"),
    path("accompagnement/nouveau/", advisor_views.advisor_create, name="advisor-create"),
    path("accompagnement/<int:advisor_id>/", advisor_views.advisor_detail, name="advisor"),
    path(
        "accompagnement/<int:advisor_id>/modifier/",
        advisor_views.advisor_edit,
        name="advisor-edit",
    ),
    path(
        "accompagnement/<int:advisor_id>/activation/",
        advisor_views.advisor_activation,
        name="advisor-activation",
    ),
    path(
        "accompagnement/<int:advisor_id>/creneaux/",
        advisor_views.slot_add,
        name="advisor-slot-add",
    ),
    path(
        "accompagnement/<int:advisor_id>/creneaux/<int:slot_id>/supprimer/",
        advisor_views.slot_delete,
        name="advisor-slot-delete",
    ),
    path(
        "accompagnement/<int:advisor_id>/rendez-vous/<int:booking_id>/annuler/",
        advisor_views.booking_cancel,
        name="advisor-booking-cancel",
    ),
    path("equipe/", team_views.team, name="team"),
    path("equipe/<int:member_id>/", team_views.member_edit, name="member"),
    path("equipe/<int:member_id>/invitation/", team_views.member_resend, name="member-resend"),
    path(
        "equipe/<int:member_id>/desactiver/",
        team_views.member_deactivate,
        name="member-deactivate",
    ),
    path("relecture/", team_views.review_queue, name="reviews"),
    path("relecture/<uuid:offer_id>/", team_views.review_decide, name="review-decide"),
    path("messages/", team_views.inbox, name="inbox"),
    path("journal/", views.audit_list, name="audit"),
    path("facturation/", views.billing, name="billing"),
    path("facturation/portail/", views.billing_portal, name="billing-portal"),
]
