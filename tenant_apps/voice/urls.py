from django.urls import path

from . import views

app_name = "voice"

urlpatterns = [
    path("donne-ton-avis/", views.poll_list, name="polls"),
    path("donne-ton-avis/<int:pk>/", views.poll_detail, name="poll"),
    path("propose-une-idee/", views.idea_list, name="ideas"),
    path("propose-une-idee/<int:pk>/soutenir/", views.idea_support, name="idea-support"),
    path("staff/avis/", views.staff_polls, name="staff-polls"),
    path("staff/idees/", views.staff_ideas, name="staff-ideas"),
    path("staff/idees/<int:pk>/", views.staff_idea_review, name="staff-idea-review"),
    path("staff/avis/nouveau/", views.staff_poll_form, name="staff-poll-create"),
    path("staff/avis/<int:pk>/", views.staff_poll_results, name="staff-poll-results"),
    path("staff/avis/<int:pk>/modifier/", views.staff_poll_form, name="staff-poll-edit"),
    path("staff/avis/<int:pk>/statut/", views.staff_poll_status, name="staff-poll-status"),
]
