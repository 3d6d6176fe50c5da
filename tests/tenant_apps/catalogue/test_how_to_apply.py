"""« Comment faire ma demande »: an aid's page and its API say who grants it and how to ask."""

from __future__ import annotations

import pytest

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.models import Offer
from tenant_apps.matching import services as matching_services
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_national, make_offer, make_structure
from tests.tenant_apps.youth.factories import make_youth


@pytest.fixture
def national_aid(grigny):
    return make_national(
        title="Aide au permis",
        institution_name="CAF de l'Essonne",
        apply_url="https://exemple.caf.fr/permis/demande",
        teleservice_url="https://exemple.caf.fr/permis/demande",
        form_url="https://exemple.caf.fr/permis/formulaire.pdf",
        instructions_url="https://exemple.caf.fr/permis/comment-faire",
        apply_place="Une agence de la CAF",
    )


@pytest.fixture
def local_aid(grigny):
    with in_city(grigny):
        structure = make_structure(name="PIJ de Grigny", address="12 rue de la Gare")
        return make_offer(
            title="Bourse projets jeunes",
            structure=structure,
            form_url="https://exemple.grigny.fr/bourse.pdf",
            documents=["Pièce d'identité", "Justificatif de domicile"],
        )


def section(page: str) -> str:
    start = page.index('id="demande"')
    return page[start : page.index("</section>", start)]


def test_a_national_aid_says_who_pays_and_where_to_apply(client_for, grigny, national_aid):
    page = client_for(grigny).get(f"/offres/{national_aid.pk}/").content.decode()
    demande = section(page)
    assert "Comment faire ma demande" in demande
    assert "Versée par CAF de l&#x27;Essonne" in demande
    # The « J'y vais » link (apply_url) still goes through the click counter.
    assert f'href="/offres/{national_aid.pk}/postuler/">Faire ma demande en ligne' in demande
    form, steps = "exemple.caf.fr/permis/formulaire.pdf", "exemple.caf.fr/permis/comment-faire"
    assert f'href="https://{form}">Télécharger le formulaire' in demande
    assert f'href="https://{steps}">Voir la marche à suivre' in demande
    assert "Une agence de la CAF" in demande
    assert "papiers à préparer" not in demande  # none given
    helping = f"/accompagnement/?type=advisor&amp;aide={national_aid.pk}"
    assert f'href="{helping}">Je me fais aider' in demande
    # Anonymous: a sign-in link, no claim form.
    assert "pour noter que tu as fait ta demande" in demande
    assert f'action="/mes-droits/{national_aid.pk}/demande/"' not in demande
    assert page.count('id="demande"') == 1


def test_a_local_aid_lists_its_papers_and_its_place(client_for, grigny, local_aid):
    page = client_for(grigny).get(f"/offres/{local_aid.pk}/").content.decode()
    demande = section(page)
    assert "Versée par PIJ de Grigny" in demande  # its structure, as no institution is named
    assert "Faire ma demande en ligne" not in demande and "Voir la marche à suivre" not in demande
    assert 'class="button" href="https://exemple.grigny.fr/bourse.pdf"' in demande
    assert "<li>Pièce d&#x27;identité</li><li>Justificatif de domicile</li>" in demande
    assert "PIJ de Grigny, 12 rue de la Gare" in demande


def test_a_young_person_says_they_applied_from_the_aid_page(client_for, grigny, local_aid):
    with in_city(grigny):
        lina = make_youth("lina@grigny.test")
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(lina)
    page = client.get(f"/offres/{local_aid.pk}/").content.decode()
    assert f'action="/mes-droits/{local_aid.pk}/demande/"' in section(page)
    assert "J'ai fait ma demande" in section(page)
    assert client.post(f"/mes-droits/{local_aid.pk}/demande/").status_code == 302
    again = section(client.get(f"/offres/{local_aid.pk}/").content.decode())
    assert "Tu as fait ta demande" in again and 'name="undo"' in again


def test_staff_see_no_claim_form_and_the_preview_shows_the_section(
    client_for, make_user, grigny, local_aid
):
    editor = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(editor)
    demande = section(client.get(f"/offres/{local_aid.pk}/").content.decode())
    assert "J'ai fait ma demande" not in demande and "Connecte-toi" not in demande
    preview = section(client.get(f"/staff/offres/{local_aid.pk}/apercu/").content.decode())
    assert "Pièce d&#x27;identité" in preview and "Je me fais aider" not in preview


def test_other_offers_keep_their_apply_button(client_for, grigny):
    with in_city(grigny):
        job = make_offer(kind="emploi", apply_url="https://emploi.exemple.fr/candidater")
    page = client_for(grigny).get(f"/offres/{job.pk}/").content.decode()
    assert "Comment faire ma demande" not in page
    assert f'<p id="demande">\n    <a class="button" href="/offres/{job.pk}/postuler/">' in page


def test_an_aid_with_only_an_apply_link_still_has_a_button(client_for, grigny):
    with in_city(grigny):
        aid = make_offer(apply_url="https://exemple.fr/inscription")
    demande = section(client_for(grigny).get(f"/offres/{aid.pk}/").content.decode())
    assert f'href="/offres/{aid.pk}/postuler/">Faire ma demande</a>' in demande


def test_api_offer_has_an_apply_object(api_for, grigny, national_aid, local_aid):
    national = api_for(grigny).get(f"/api/v1/offers/{national_aid.pk}/").json()
    assert national["apply"] == {
        "institution": "CAF de l'Essonne",
        "teleservice_url": "https://exemple.caf.fr/permis/demande",
        "form_url": "https://exemple.caf.fr/permis/formulaire.pdf",
        "instructions_url": "https://exemple.caf.fr/permis/comment-faire",
        "documents": [],
        "place": "Une agence de la CAF",
    }
    assert national["apply_url"] == "https://exemple.caf.fr/permis/demande"  # unchanged
    local = api_for(grigny).get(f"/api/v1/offers/{local_aid.pk}/").json()["apply"]
    assert local["documents"] == ["Pièce d'identité", "Justificatif de domicile"]
    assert local["institution"] == "PIJ de Grigny" and local["teleservice_url"] == ""


def test_editor_fills_how_to_apply_for_a_local_aid(client_for, make_user, grigny):
    editor = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(editor)
    form = client.get("/staff/offres/nouvelle/").content.decode()
    for name in ("teleservice_url", "form_url", "instructions_url", "documents", "apply_place"):
        assert f'name="{name}"' in form
    response = client.post(
        "/staff/offres/nouvelle/",
        {"kind": "aide", "title": "Aide au BAFA", "is_free": "on",
         "institution_name": "Ville de Grigny",
         "teleservice_url": "https://grigny.exemple.fr/bafa",
         "instructions_url": "https://grigny.exemple.fr/bafa/aide",
         "documents": "Pièce d'identité\n\n  Attestation d'inscription au BAFA  \n",
         "apply_place": "À l'accueil de la mairie"},
    )  # fmt: skip
    assert response.status_code == 302
    with in_city(grigny):
        offer = Offer.objects.get(title="Aide au BAFA")
    assert offer.teleservice_url == "https://grigny.exemple.fr/bafa"
    assert offer.documents == ["Pièce d'identité", "Attestation d'inscription au BAFA"]
    assert offer.apply_place == "À l'accueil de la mairie"
    edit = client.get(f"/staff/offres/{offer.pk}/").content.decode()
    assert "Pièce d&#x27;identité\nAttestation d&#x27;inscription au BAFA</textarea>" in edit
    too_long = client.post(
        f"/staff/offres/{offer.pk}/",
        {"kind": "aide", "title": "Aide au BAFA", "is_free": "on", "documents": "x" * 201},
    )
    assert too_long.status_code == 200 and "200 caractères au plus" in too_long.content.decode()
    with in_city(grigny):
        assert Offer.objects.get(pk=offer.pk).documents == offer.documents


def test_claim_state_is_per_person(client_for, grigny, local_aid):
    with in_city(grigny):
        lina, yanis = make_youth("lina@grigny.test"), make_youth("yanis@grigny.test")
        matching_services.right_claim(user=lina, offer_id=local_aid.pk)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(yanis)
    assert "Tu as fait ta demande" not in client.get(f"/offres/{local_aid.pk}/").content.decode()
