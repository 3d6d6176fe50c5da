"""The staff offer form by kind: the kind's fields only, themes by category, the address from a
structure or typed (commune from the communes reference, position from the quartier)."""

from __future__ import annotations

import re

import pytest

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.models import Offer, OfferStatus
from tenant_apps.youth.models import Neighbourhood
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer, make_structure


@pytest.fixture
def editor(client_for, make_user, grigny):
    user = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(user)
    return client


def _names(html: str) -> set[str]:
    form = html.split('class="offer-form', 1)[1]
    return set(re.findall(r'name="([a-z_]+)"', form))


def test_each_kind_shows_its_own_fields(editor):
    event = _names(editor.get("/staff/offres/nouvelle/?type=evenement").content.decode())
    job = _names(editor.get("/staff/offres/nouvelle/?type=emploi").content.decode())
    aid = _names(editor.get("/staff/offres/nouvelle/?type=aide").content.decode())
    assert {"starts_at", "ends_at", "capacity"} <= event
    assert not {"contract_type", "amount_value", "teleservice_url", "documents"} & event
    assert {"contract_type", "institution_name", "apply_by"} <= job
    assert not {"capacity", "amount_value", "ends_at"} & job
    assert {"amount_value", "periodicity", "teleservice_url", "form_url", "instructions_url",
            "documents", "apply_place"} <= aid  # fmt: skip
    assert not {"capacity", "contract_type", "starts_at"} & aid
    assert "Employeur" in editor.get("/staff/offres/nouvelle/?type=emploi").content.decode()
    # Without a kind yet, every section is there, each tagged with its kinds.
    everything = editor.get("/staff/offres/nouvelle/").content.decode()
    assert 'data-kinds="emploi"' in everything and 'name="kind"' in everything


def test_a_job_keeps_its_contract_and_employer(editor, grigny):
    response = editor.post(
        "/staff/offres/nouvelle/?type=emploi",
        {"kind": "emploi", "title": "Animateur·rice périscolaire", "contract_type": "cdd",
         "institution_name": "Ville de Grigny", "apply_by": "2031-09-01",
         "capacity": "99"},  # not a job's field: ignored
    )  # fmt: skip
    assert response.status_code == 302
    with in_city(grigny):
        job = Offer.objects.get(title="Animateur·rice périscolaire")
    assert job.contract_type == "cdd" and job.institution_name == "Ville de Grigny"
    assert job.capacity is None


def test_changing_the_kind_clears_the_old_kinds_fields(editor, grigny):
    with in_city(grigny):
        offer = make_offer(kind="evenement", title="Forum", capacity=30, status=OfferStatus.DRAFT)
    page = editor.get(f"/staff/offres/{offer.pk}/?type=aide").content.decode()
    assert 'name="amount_value"' in page and 'name="capacity"' not in page
    response = editor.post(
        f"/staff/offres/{offer.pk}/?type=aide",
        {"kind": "aide", "title": "Forum", "amount_value": "150", "periodicity": "ponctuelle"},
    )
    assert response.status_code == 302
    with in_city(grigny):
        offer.refresh_from_db()
    assert offer.kind == "aide" and offer.capacity is None and offer.starts_at is None
    assert offer.amount_value == 150


def test_themes_are_grouped_by_category(editor, grigny):
    page = editor.get("/staff/offres/nouvelle/?type=aide").content.decode()
    assert (
        "<summary>Mobilité</summary>" in page and "<summary>Loisirs et engagement</summary>" in page
    )
    mobility = page.split("<summary>Mobilité</summary>", 1)[1].split("</details>", 1)[0]
    assert 'value="mobilite"' in mobility and 'value="mobilite--' in mobility
    assert 'value="sport"' not in mobility
    editor.post(
        "/staff/offres/nouvelle/?type=aide",
        {"kind": "aide", "title": "Aide au permis", "themes": ["mobilite", "sport"]},
    )
    with in_city(grigny):
        offer = Offer.objects.get(title="Aide au permis")
    assert offer.themes == ["mobilite", "sport"]
    edit = editor.get(f"/staff/offres/{offer.pk}/").content.decode()
    assert "<details open><summary>Mobilité (1)</summary>" in edit


def test_the_address_comes_from_a_structure(editor, grigny):
    with in_city(grigny):
        centre = make_structure(
            name="Centre social", address="3 rue du Port, 91350 Grigny", postal_code="91350",
            commune_insee="91286", latitude=48.654, longitude=2.391,
        )  # fmt: skip
    editor.post(
        "/staff/offres/nouvelle/?type=evenement",
        {"kind": "evenement", "title": "Atelier CV", "starts_at": "2031-03-04T14:00",
         "place": centre.pk, "address": "ignorée"},
    )  # fmt: skip
    with in_city(grigny):
        offer = Offer.objects.get(title="Atelier CV")
    assert offer.address == "3 rue du Port, 91350 Grigny" and offer.commune_insee == "91286"
    assert (offer.latitude, offer.longitude) == (48.654, 2.391)


def test_a_typed_address_gets_its_commune_and_the_quartiers_position(editor, grigny):
    with in_city(grigny):
        quartier = Neighbourhood.objects.exclude(latitude=None).first()
    assert quartier is not None  # onboarding seeds Grigny's QPV with their centroids
    response = editor.post(
        "/staff/offres/nouvelle/?type=service",
        {"kind": "service", "title": "Permanence logement", "address": "Place du marché",
         "postal_code": "91350", "neighbourhood": quartier.pk},
    )  # fmt: skip
    assert response.status_code == 302
    with in_city(grigny):
        offer = Offer.objects.get(title="Permanence logement")
    assert offer.commune_insee == "91286"
    assert (offer.latitude, offer.longitude) == (quartier.latitude, quartier.longitude)


def test_a_typed_address_is_checked_against_the_reference(editor, grigny):
    unknown = editor.post(
        "/staff/offres/nouvelle/?type=service",
        {"kind": "service", "title": "A", "postal_code": "00000"},
    )
    assert unknown.status_code == 200 and "Code postal inconnu" in unknown.content.decode()
    mismatch = editor.post(
        "/staff/offres/nouvelle/?type=service",
        {"kind": "service", "title": "B", "postal_code": "75001", "commune_insee": "91286"},
    )
    assert "n&#x27;est pas celui de Grigny" in mismatch.content.decode()
    with in_city(grigny):
        assert not Offer.objects.filter(title__in=["A", "B"]).exists()


def test_the_form_is_light_on_a_phone(editor):
    page = editor.get("/staff/offres/nouvelle/?type=evenement")
    html = page.content.decode()
    form = html.split('class="offer-form', 1)[1].split("</form>", 1)[0]
    assert "<script" not in form  # server-side only (the page's one script is the service worker)
    assert len(page.content) < 60_000
    assert 'name="viewport"' in html


def test_young_people_read_the_jobs_contract(client_for, api_for, grigny):
    with in_city(grigny):
        job = make_offer(kind="emploi", title="Job d'été à la piscine", contract_type="job_ete")
    page = client_for(grigny).get(f"/offres/{job.pk}/").content.decode()
    assert "Job d&#x27;été ou saisonnier" in page
    assert api_for(grigny).get(f"/api/v1/offers/{job.pk}/").json()["contract_type"] == "job_ete"
