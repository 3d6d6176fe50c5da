"""Partner organisations: confined to their structures' offers (pages and API), they only send
for review; the review publishes or sends back with a reason, and the partner reads it (staff
inbox and e-mail); their structure page is theirs to keep current. Another city sees none."""

from __future__ import annotations

import pytest
from django.core import mail

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.catalogue.models import Offer, OfferStatus, PartnerMembership, Structure
from tenant_apps.matching.models import InboxMessage
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer, make_structure


@pytest.fixture
def club(grigny):
    """Grigny: the boxing club (Lucie's) and the youth centre (someone else's), an offer each,
    and a draft the city's team is writing."""
    with in_city(grigny):
        boxing = make_structure(name="Club de boxe")
        centre = make_structure(name="Maison des jeunes")
        return {
            "boxing": boxing,
            "centre": centre,
            "ours": make_offer(title="Stage de boxe", structure=boxing, status=OfferStatus.DRAFT),
            "theirs": make_offer(title="Soirée jeux", structure=centre, status=OfferStatus.DRAFT),
            "city": make_offer(title="Brouillon de la ville", status=OfferStatus.DRAFT),
        }


@pytest.fixture
def people(grigny, club, make_user, client_for, api_for):
    """Signed-in clients and tokens: Lucie (partner of the boxing club), Emma (editor)."""

    def session(user):
        client = client_for(grigny)
        with in_city(grigny):
            client.force_login(user)
        return client

    lucie = make_user(grigny, "lucie@grigny.test", Role.PARTNER)
    emma = make_user(grigny, "emma@grigny.test", Role.EDITOR)
    with in_city(grigny):
        PartnerMembership.objects.create(user=lucie, structure=club["boxing"])
        tokens = {"lucie": token_create(user=lucie), "emma": token_create(user=emma)}
    return {
        "lucie": session(lucie),
        "emma": session(emma),
        "lucie_api": api_for(grigny, tokens["lucie"]),
        "emma_api": api_for(grigny, tokens["emma"]),
        "lucie_user": lucie,
    }


def test_partner_sees_and_edits_only_its_structures_offers(people, club, grigny):
    lucie = people["lucie"]
    listing = lucie.get("/staff/offres/").content.decode()
    assert "Stage de boxe" in listing
    assert "Soirée jeux" not in listing and "Brouillon de la ville" not in listing
    assert lucie.get(f"/staff/offres/{club['ours'].pk}/").status_code == 200
    for other in (club["theirs"], club["city"]):
        assert lucie.get(f"/staff/offres/{other.pk}/").status_code == 404
        assert lucie.get(f"/staff/offres/{other.pk}/apercu/").status_code == 404
        edit = lucie.post(f"/staff/offres/{other.pk}/", {"kind": "aide", "title": "Piraté"})
        assert edit.status_code == 404
        submit = lucie.post(f"/staff/offres/{other.pk}/statut/", {"action": "submit"})
        assert submit.status_code == 404
    bulk = lucie.post(
        "/staff/offres/actions/", {"ids": [club["theirs"].pk], "action": "submit"}, follow=True
    )
    assert "Soirée jeux" not in bulk.content.decode()  # not even named in a warning
    with in_city(grigny):
        assert Offer.objects.get(pk=club["theirs"].pk).status == OfferStatus.DRAFT
        assert Offer.objects.get(pk=club["city"].pk).title == "Brouillon de la ville"


def test_partner_writes_for_its_structure_only_and_cannot_publish(people, club, grigny):
    lucie = people["lucie"]
    form = lucie.get("/staff/offres/nouvelle/?type=evenement").content.decode()
    assert "Club de boxe" in form and "Maison des jeunes" not in form.split('name="place"')[0]
    stolen = lucie.post(
        "/staff/offres/nouvelle/?type=evenement",
        {
            "kind": "evenement",
            "title": "Pour les autres",
            "structure": club["centre"].pk,
            "starts_at": "2031-06-01T18:00",
        },
    )
    assert stolen.status_code == 200  # the form refuses a structure that is not hers
    assert "Sélectionnez un choix valide" in stolen.content.decode()
    made = lucie.post(
        "/staff/offres/nouvelle/?type=evenement",
        {
            "kind": "evenement",
            "title": "Gala de boxe",
            "structure": club["boxing"].pk,
            "starts_at": "2031-06-01T18:00",
        },
    )
    assert made.status_code == 302
    with in_city(grigny):
        gala = Offer.objects.get(title="Gala de boxe")
        assert not Offer.objects.filter(title="Pour les autres").exists()
    lucie.post(f"/staff/offres/{gala.pk}/statut/", {"action": "publish"})
    lucie.post(f"/staff/offres/{gala.pk}/statut/", {"action": "submit"})
    with in_city(grigny):
        gala.refresh_from_db()
    assert gala.status == OfferStatus.IN_REVIEW
    assert lucie.get("/staff/relecture/").status_code == 403


def test_partner_api_is_confined_the_same_way(people, club):
    api = people["lucie_api"]
    listed = api.get("/api/v1/staff/offers/").json()
    assert [o["title"] for o in listed["results"]] == ["Stage de boxe"]
    for other in (club["theirs"], club["city"]):
        assert api.get(f"/api/v1/staff/offers/{other.pk}/").status_code == 404
        patched = api.patch(f"/api/v1/staff/offers/{other.pk}/", {"title": "x"}, format="json")
        assert patched.status_code == 404 and patched.json()["error"]["code"] == "not_found"
        moved = api.post(
            f"/api/v1/staff/offers/{other.pk}/transition/", {"to": "in_review"}, format="json"
        )
        assert moved.status_code == 404
    elsewhere = api.post(
        "/api/v1/staff/offers/",
        {"kind": "service", "title": "Chez les autres", "structure": str(club["centre"].pk)},
        format="json",
    )
    assert (
        elsewhere.status_code == 403 and elsewhere.json()["error"]["code"] == "not_your_structure"
    )
    created = api.post(
        "/api/v1/staff/offers/",
        {"kind": "service", "title": "Permanence boxe", "structure": str(club["boxing"].pk)},
        format="json",
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    offer_id = created.json()["id"]
    publish = api.post(
        f"/api/v1/staff/offers/{offer_id}/transition/", {"to": "published"}, format="json"
    )
    assert publish.status_code == 403 and publish.json()["error"]["code"] == "permission_denied"
    submitted = api.post(
        f"/api/v1/staff/offers/{offer_id}/transition/", {"to": "in_review"}, format="json"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "in_review"
    moved = api.patch(
        f"/api/v1/staff/offers/{offer_id}/", {"structure": str(club["centre"].pk)}, format="json"
    )
    assert moved.status_code == 403


def test_rejected_with_a_reason_the_partner_reads_it_in_inbox_and_mail(
    people, club, grigny, django_capture_on_commit_callbacks
):
    offer = club["ours"]
    people["lucie"].post(f"/staff/offres/{offer.pk}/statut/", {"action": "submit"})
    emma = people["emma"]
    queue = emma.get("/staff/relecture/").content.decode()
    assert "Stage de boxe" in queue and "lucie@grigny.test" in queue
    no_reason = emma.post(f"/staff/relecture/{offer.pk}/", {"decision": "reject", "reason": ""})
    assert no_reason.status_code == 302
    with in_city(grigny):
        assert Offer.objects.get(pk=offer.pk).status == OfferStatus.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        emma.post(
            f"/staff/relecture/{offer.pk}/",
            {"decision": "reject", "reason": "Ajoute les horaires et l'âge minimum."},
        )
    with in_city(grigny):
        offer.refresh_from_db()
        assert offer.status == OfferStatus.DRAFT
        assert offer.review_reason == "Ajoute les horaires et l'âge minimum."
        message = InboxMessage.objects.get(user=people["lucie_user"])
        entry = StaffAuditEntry.objects.get(action="offer.reject")
    assert "Ajoute les horaires" in message.body and "à reprendre" in message.title
    assert entry.diff["review_reason"][1] == "Ajoute les horaires et l'âge minimum."
    assert mail.outbox[-1].to == ["lucie@grigny.test"]
    assert "Ajoute les horaires" in mail.outbox[-1].body
    assert f"http://grigny.localhost:8000/staff/offres/{offer.pk}/" in mail.outbox[-1].body
    inbox = people["lucie"].get("/staff/messages/").content.decode()
    assert "Ajoute les horaires" in inbox
    edit = people["lucie"].get(f"/staff/offres/{offer.pk}/").content.decode()
    assert "Renvoyée en brouillon par la relecture" in edit and "Ajoute les horaires" in edit
    # She fixes it and sends it again; this time it is published, and she is told too.
    people["lucie"].post(f"/staff/offres/{offer.pk}/statut/", {"action": "submit"})
    with django_capture_on_commit_callbacks(execute=True):
        emma.post(f"/staff/relecture/{offer.pk}/", {"decision": "approve"})
    with in_city(grigny):
        offer.refresh_from_db()
        assert offer.status == OfferStatus.PUBLISHED and offer.review_reason == ""
        titles = list(
            InboxMessage.objects.filter(user=people["lucie_user"]).values_list("title", flat=True)
        )
    assert "« Stage de boxe » est publiée" in titles
    assert mail.outbox[-1].subject.endswith("« Stage de boxe » est publiée")


def test_api_reject_needs_a_reason_and_tells_the_partner(
    people, club, grigny, django_capture_on_commit_callbacks
):
    offer = club["ours"]
    people["lucie_api"].post(
        f"/api/v1/staff/offers/{offer.pk}/transition/", {"to": "in_review"}, format="json"
    )
    api = people["emma_api"]
    bare = api.post(
        f"/api/v1/staff/offers/{offer.pk}/transition/", {"to": "rejected"}, format="json"
    )
    assert bare.status_code == 400 and "reason" in bare.json()["error"]["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(
            f"/api/v1/staff/offers/{offer.pk}/transition/",
            {"to": "rejected", "reason": "Il manque une photo."},
            format="json",
        )
    assert done.status_code == 200
    assert (
        done.json()["status"] == "draft" and done.json()["review_reason"] == "Il manque une photo."
    )
    assert mail.outbox[-1].to == ["lucie@grigny.test"]
    again = api.post(f"/api/v1/staff/offers/{offer.pk}/transition/", {"to": "rejected",
                     "reason": "x"}, format="json")  # fmt: skip
    assert again.status_code == 409
    unknown = api.post(
        f"/api/v1/staff/offers/{offer.pk}/transition/", {"to": "gone"}, format="json"
    )
    assert unknown.status_code == 400


def test_partner_keeps_its_structure_page_current(people, club, grigny):
    lucie = people["lucie"]
    listing = lucie.get("/staff/structures/").content.decode()
    assert "Club de boxe" in listing and "Maison des jeunes" not in listing
    page = lucie.get(f"/staff/structures/{club['boxing'].pk}/").content.decode()
    assert 'name="places_available"' in page and 'name="opening_hours"' in page
    assert 'name="name"' not in page  # the name and the address are the city's to edit
    saved = lucie.post(
        f"/staff/structures/{club['boxing'].pk}/",
        {"places_available": "4", "opening_hours": "Mercredi 14h-18h", "name": "Renommé"},
    )
    assert saved.status_code == 302
    with in_city(grigny):
        boxing = Structure.objects.get(pk=club["boxing"].pk)
    assert boxing.places_available == 4 and boxing.opening_hours == "Mercredi 14h-18h"
    assert boxing.name == "Club de boxe" and boxing.places_updated_at is not None
    assert lucie.get(f"/staff/structures/{club['centre'].pk}/").status_code == 404
    assert (
        lucie.post(f"/staff/structures/{club['centre'].pk}/", {"places_available": "0"}).status_code
        == 404
    )
    assert lucie.get("/staff/structures/nouvelle/").status_code == 403


def test_another_city_sees_none_of_the_offers_api(people, club, api_for, make_user, gennevilliers):
    with in_city(gennevilliers):
        token = token_create(user=make_user(gennevilliers, "ed@gennevilliers.test", Role.EDITOR))
    api = api_for(gennevilliers, token)
    assert api.get("/api/v1/staff/offers/").json()["count"] == 0
    for offer in (club["ours"], club["theirs"]):
        assert api.get(f"/api/v1/staff/offers/{offer.pk}/").status_code == 404
        assert (
            api.patch(
                f"/api/v1/staff/offers/{offer.pk}/", {"title": "x"}, format="json"
            ).status_code
            == 404
        )
        assert (
            api.post(
                f"/api/v1/staff/offers/{offer.pk}/transition/", {"to": "published"}, format="json"
            ).status_code
            == 404
        )
    # Grigny's partner token is worthless on Gennevilliers.
    assert api_for(gennevilliers).get("/api/v1/staff/offers/").status_code in (401, 403)
    lucie_on_gennevilliers = api_for(gennevilliers)
    lucie_on_gennevilliers.credentials(
        HTTP_AUTHORIZATION=people["lucie_api"]._credentials["HTTP_AUTHORIZATION"]
    )
    assert lucie_on_gennevilliers.get("/api/v1/staff/offers/").status_code == 401


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.YOUTH])
def test_roles_outside_the_catalogue_get_json_refusals(role, api_for, make_user, grigny, club):
    with in_city(grigny):
        token = token_create(user=make_user(grigny, f"{role}@grigny.test", role))
    api = api_for(grigny, token)
    listed = api.get("/api/v1/staff/offers/")
    assert listed.status_code == 403 and listed.json()["error"]["code"] == "permission_denied"
    moved = api.post(
        f"/api/v1/staff/offers/{club['ours'].pk}/transition/", {"to": "published"}, format="json"
    )
    assert moved.status_code == 403


def test_viewer_reads_the_offers_but_cannot_change_them(api_for, make_user, grigny, club):
    with in_city(grigny):
        token = token_create(user=make_user(grigny, "elu@grigny.test", Role.VIEWER))
    api = api_for(grigny, token)
    assert api.get("/api/v1/staff/offers/").json()["count"] == 3
    refused = api.post("/api/v1/staff/offers/", {"kind": "aide", "title": "x"}, format="json")
    assert refused.status_code == 403
    patched = api.patch(f"/api/v1/staff/offers/{club['city'].pk}/", {"title": "x"}, format="json")
    assert patched.status_code == 403
