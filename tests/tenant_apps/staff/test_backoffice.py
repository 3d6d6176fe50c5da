"""The staff back-office: roles, the publish workflow, national settings, uploads, audit."""

from __future__ import annotations

import pytest

from shared_apps.accounts.models import Role
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.catalogue.models import Offer
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_national, make_offer


@pytest.fixture
def signed_in(client_for, make_user):
    def make(city, role):
        user = make_user(city, f"{role}@{city.slug}.test", role)
        client = client_for(city)
        with in_city(city):  # the session lives in the city's schema
            client.force_login(user)
        return client

    return make


def test_anonymous_is_sent_to_login_and_youth_gets_403(client_for, signed_in, grigny):
    response = client_for(grigny).get("/staff/offres/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    youth = signed_in(grigny, Role.YOUTH)
    forbidden = youth.get("/staff/offres/")
    assert forbidden.status_code == 403 and "Accès réservé" in forbidden.content.decode()


def test_editor_creates_publishes_and_youth_finds_it_without_accents(signed_in, api_for, grigny):
    editor = signed_in(grigny, Role.EDITOR)
    response = editor.post(
        "/staff/offres/nouvelle/",
        {"kind": "aide", "title": "Aide à la mobilité", "summary": "Pour ton permis.",
         "themes": ["mobilite"], "is_free": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    with in_city(grigny):
        offer = Offer.objects.get(title="Aide à la mobilité")
    assert offer.status == "draft"
    assert api_for(grigny).get("/api/v1/offers/", {"q": "mobilite"}).json()["count"] == 0
    preview = editor.get(f"/staff/offres/{offer.id}/apercu/")
    assert preview.status_code == 200 and "Aperçu" in preview.content.decode()
    editor.post(f"/staff/offres/{offer.id}/statut/", {"action": "publish"})
    found = api_for(grigny).get("/api/v1/offers/", {"q": "mobilite"}).json()
    assert [r["title"] for r in found["results"]] == ["Aide à la mobilité"]
    with in_city(grigny):
        actions = list(StaffAuditEntry.objects.values_list("action", "actor_email"))
    assert ("offer.publish", "editor@grigny.test") in actions
    assert ("offer.create", "editor@grigny.test") in actions


def test_form_errors_are_french_and_nothing_is_saved(signed_in, grigny):
    editor = signed_in(grigny, Role.EDITOR)
    response = editor.post(
        "/staff/offres/nouvelle/", {"kind": "evenement", "title": "", "age_min": 20, "age_max": 16}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Ce champ est obligatoire" in html
    with in_city(grigny):
        assert not Offer.objects.exists()


def test_partner_can_submit_but_not_publish(signed_in, grigny):
    partner = signed_in(grigny, Role.PARTNER)
    partner.post("/staff/offres/nouvelle/", {"kind": "service", "title": "Permanence"})
    with in_city(grigny):
        offer = Offer.objects.get(title="Permanence")
    partner.post(f"/staff/offres/{offer.id}/statut/", {"action": "submit"})
    partner.post(f"/staff/offres/{offer.id}/statut/", {"action": "publish"})
    with in_city(grigny):
        offer.refresh_from_db()
    assert offer.status == "in_review"
    assert partner.get("/staff/imports/").status_code == 403


def test_viewer_reads_only(signed_in, grigny):
    with in_city(grigny):
        offer = make_offer(title="Visible", status="draft")
    viewer = signed_in(grigny, Role.VIEWER)
    assert viewer.get("/staff/offres/").status_code == 200
    assert viewer.get("/staff/offres/nouvelle/").status_code == 403
    assert (
        viewer.post(f"/staff/offres/{offer.id}/statut/", {"action": "publish"}).status_code == 403
    )


def test_bulk_publish_and_archive(signed_in, grigny):
    with in_city(grigny):
        a = make_offer(title="A", status="draft")
        b = make_offer(title="B", status="in_review")
    admin = signed_in(grigny, Role.ADMIN)
    admin.post("/staff/offres/actions/", {"ids": [a.id, b.id], "action": "publish"})
    with in_city(grigny):
        a.refresh_from_db(), b.refresh_from_db()
    assert a.status == b.status == "published"
    admin.post("/staff/offres/actions/", {"ids": [a.id], "action": "archive"})
    with in_city(grigny):
        a.refresh_from_db()
    assert a.status == "archived"


def test_national_hide_from_backoffice(signed_in, api_for, grigny, gennevilliers):
    national = make_national(title="Pass Sport")
    admin = signed_in(grigny, Role.ADMIN)
    assert "Pass Sport" in admin.get("/staff/catalogue-national/").content.decode()
    admin.post(f"/staff/catalogue-national/{national.id}/", {"hidden": "on", "local_note": ""})
    assert api_for(grigny).get("/api/v1/offers/").json()["count"] == 0
    assert api_for(gennevilliers).get("/api/v1/offers/").json()["count"] == 1


def test_upload_queues_an_import(signed_in, grigny, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenant_apps.catalogue.importers.csv_template import template_csv

    admin = signed_in(grigny, Role.ADMIN)
    assert admin.get("/staff/imports/modele.csv").content.decode().startswith("identifiant;")
    upload = SimpleUploadedFile("offres.csv", template_csv().encode())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin.post("/staff/imports/", {"importer": "csv", "file": upload})
    assert response.status_code == 302 and len(callbacks) == 1
    assert "offres.csv" in admin.get("/staff/imports/").content.decode()


def test_staff_of_one_city_cannot_touch_another(signed_in, grigny, gennevilliers):
    with in_city(grigny):
        offer = make_offer(title="Secret Grigny", status="draft")
    other = signed_in(gennevilliers, Role.ADMIN)
    assert other.get(f"/staff/offres/{offer.id}/").status_code == 404
    assert "Secret Grigny" not in other.get("/staff/offres/").content.decode()
    other.post(f"/staff/offres/{offer.id}/statut/", {"action": "publish"})
    with in_city(grigny):
        offer.refresh_from_db()
    assert offer.status == "draft"


def test_nul_bytes_in_staff_searches_and_html_accept_on_the_api_are_not_500s(
    client_for, make_user, grigny
):
    from shared_apps.accounts.models import Role
    from tenants.context import in_city

    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(make_user(grigny, "elu-nul@grigny.test", Role.VIEWER))
    for path in ("/staff/catalogue-national/?q=abc%00", "/staff/structures/?q=%00"):
        assert client.get(path).status_code == 200, path
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    refused = client.get("/api/v1/advisor/bookings/", HTTP_ACCEPT=browser)
    assert refused.status_code == 403 and refused.json()["error"]["code"]
