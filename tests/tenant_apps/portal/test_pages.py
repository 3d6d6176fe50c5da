"""Portal pages on a city host: home, agenda, structures, inspirations, account, saves."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from shared_apps.accounts.models import Role
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.portal import services
from tenant_apps.portal.models import Inspiration, Save
from tenant_apps.youth.models import Neighbourhood, YouthProfile
from tenants.context import in_city
from tests.conftest import PASSWORD
from tests.tenant_apps.catalogue.factories import make_national, make_offer, make_structure
from tests.tenant_apps.youth.factories import make_youth

HOME_BUDGET = 100 * 1024


def _signed_in(client_for, city, user_email):
    client = client_for(city)
    assert (
        client.post("/connexion/", {"username": user_email, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_home_has_the_entries_the_agenda_and_asks_three_questions(client_for, grigny, event):
    page = client_for(grigny).get("/")
    html = page.content.decode()
    assert page.status_code == 200
    for label, url in [
        ("Trouver un job", "/offres/?kind=emploi"),
        ("Mes droits", "/mes-droits/"),
        ("Me former", "/offres/?kind=formation"),
        ("Sortir, sport, culture", "/offres/?kind=evenement"),
        ("Santé", "/offres/?theme=sante"),
        ("Logement", "/offres/?theme=logement-hebergement"),
        ("Mobilité et permis", "/offres/?theme=mobilite"),
    ]:
        assert f'<a href="{url}">{label}</a>' in html
    assert "Tournoi de futsal" in html
    assert 'action="/mes-droits/"' in html and 'name="birth_date"' in html
    assert "<script src" not in html  # nothing to download but the page and its CSS


def test_every_quick_entry_leads_to_a_working_page(client_for, grigny):
    client = client_for(grigny)
    html = client.get("/").content.decode()
    links = re.findall(r'<ul class="entries">(.*?)</ul>', html, re.S)[0]
    for url in re.findall(r'href="([^"]+)"', links):
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url


def test_home_shows_three_ideas_for_a_known_profile(client_for, grigny):
    with in_city(grigny):
        for i in range(5):
            make_offer(kind="emploi", title=f"Job d'été {i}", themes=["trouver-un-emploi"])
        user = make_youth("nora@grigny.test")
        YouthProfile.objects.filter(user=user).update(situation="lyceen", looking_for=["emploi"])
    html = _signed_in(client_for, grigny, "nora@grigny.test").get("/").content.decode()
    section = html.split('id="foryou-title"')[1].split("</section>")[0]
    assert section.count('href="/offres/') == 3
    assert 'name="birth_date"' not in html


def test_anonymous_answers_turn_into_ideas_on_the_home_page(client_for, grigny):
    with in_city(grigny):
        make_offer(kind="aide", title="Coup de pouce lycéens")
    client = client_for(grigny)
    response = client.post(
        "/mes-droits/", {"birth_date": "2007-03-01", "situation": "lyceen", "boursier": "oui"}
    )
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'name="birth_date"' not in html and "Voir toutes tes idées" in html


def test_home_weighs_under_100_kb_without_images(client_for, grigny):
    """HTML + every stylesheet and script it links (images excluded), as served."""
    with in_city(grigny):
        for i in range(10):
            make_offer(kind="evenement", title=f"Soirée {i}" * 3, address="Place du marché")
    html = client_for(grigny).get("/").content
    total = len(html)
    text = html.decode()
    for ref in re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', text) + re.findall(
        r'<script[^>]+src="/static/([^"]+)"', text
    ):
        path = finders.find(ref)
        assert path, ref
        with open(path, "rb") as handle:
            total += len(handle.read())
    print(f"home page weight: {total} bytes")
    assert total <= HOME_BUDGET


def test_agenda_groups_upcoming_events_by_day(client_for, grigny):
    now = timezone.now()
    # Two events on the same local day whatever the hour the test runs (not "now + 2 days").
    noon = timezone.localtime(now).replace(hour=12, minute=0, second=0, microsecond=0)
    with in_city(grigny):
        make_offer(kind="evenement", title="Atelier rap", starts_at=noon + timedelta(days=2))
        make_offer(kind="evenement", title="Match", starts_at=noon + timedelta(days=2, hours=1))
        make_offer(kind="evenement", title="Ciné", starts_at=now + timedelta(days=9))
        make_offer(
            kind="evenement", title="Hier", starts_at=now - timedelta(days=1),
            ends_at=now - timedelta(hours=20),
        )  # fmt: skip
    html = client_for(grigny).get("/agenda/").content.decode()
    assert html.count('<h2 id="day-') == 2
    assert html.index("Atelier rap") < html.index("Ciné") and "Hier" not in html


def test_structures_nearest_to_my_quartier_first_with_places(client_for, grigny):
    with in_city(grigny):
        Neighbourhood.objects.create(code="nord", name="Nord", latitude=48.66, longitude=2.39)
        make_structure(name="Loin", latitude=48.70, longitude=2.50)
        make_structure(name="Proche", latitude=48.661, longitude=2.391, places_available=4)
        make_structure(name="Sans adresse")
    client = client_for(grigny)
    html = client.get("/structures/?quartier=nord").content.decode()
    assert html.index("Proche") < html.index("Loin") < html.index("Sans adresse")
    assert "4 places disponibles" in html
    html = client.get("/structures/").content.decode()
    assert html.index("Loin") < html.index("Proche")  # alphabetical without a quartier


def test_saving_and_registering_from_the_offer_page(client_for, grigny, event):
    with in_city(grigny):
        make_youth("sami@grigny.test")
        national = make_national(title="Aide au permis")
    client = _signed_in(client_for, grigny, "sami@grigny.test")
    page = client.get(f"/offres/{event.pk}/").content.decode()
    assert "Garder en favori" in page and "Je m'inscris" in page
    assert "Il reste 2 places" in page
    client.post(f"/offres/{event.pk}/favori/", {"next": f"/offres/{event.pk}/"})
    client.post(f"/offres/{national.pk}/favori/")
    response = client.post(f"/offres/{event.pk}/inscription/", {"next": f"/offres/{event.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/offres/{event.pk}/"
    page = client.get(f"/offres/{event.pk}/").content.decode()
    assert "Tu es inscrit·e" in page and "Dans tes favoris" in page
    saves = client.get("/mes-favoris/").content.decode()
    assert "Tournoi de futsal" in saves and "Aide au permis" in saves
    mine = client.get("/mes-inscriptions/").content.decode()
    assert "Tournoi de futsal" in mine and "Inscrit·e" in mine
    client.post(f"/offres/{event.pk}/inscription/", {"action": "cancel"})
    assert "Tournoi de futsal" not in client.get("/mes-inscriptions/").content.decode()
    # External "next" is ignored.
    response = client.post(f"/offres/{event.pk}/favori/", {"next": "https://evil.example/"})
    assert response["Location"] == "/mes-favoris/"


def test_anonymous_visitors_are_invited_to_sign_in_to_save(client_for, grigny, event):
    client = client_for(grigny)
    page = client.get(f"/offres/{event.pk}/").content.decode()
    assert "crée ton compte" in page
    response = client.post(f"/offres/{event.pk}/inscription/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_account_page_links_everything_and_inbox_shows_messages(client_for, grigny, event):
    with in_city(grigny):
        user = make_youth("ines@grigny.test")
        services.save_add(user=user, offer_id=event.pk)
    client = _signed_in(client_for, grigny, "ines@grigny.test")
    html = client.get("/mon-compte/").content.decode()
    for url in ("/mon-profil/", "/mes-favoris/", "/mes-inscriptions/", "/mes-rendez-vous/",
                "/mes-messages/", "/mes-donnees/"):  # fmt: skip
        assert f'href="{url}"' in html
    assert "1 offre gardée" in html
    assert client.get("/mes-messages/").status_code == 200


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
def test_staff_publish_inspirations_that_young_people_read(client_for, make_user, grigny, role):
    make_user(grigny, f"{role}@grigny.test", role)
    staff = _signed_in(client_for, grigny, f"{role}@grigny.test")
    response = staff.post("/staff/inspirations/nouvelle/", {
        "title": "De Grigny à la cuisine étoilée", "person": "Yanis", "age": "22",
        "place": "Grigny", "is_local": "on", "summary": "Un CAP, puis un stage qui change tout.",
        "body": "Yanis raconte son parcours.", "link_url": "",
    })  # fmt: skip
    assert response.status_code == 302
    with in_city(grigny):
        story = Inspiration.objects.get()
        assert StaffAuditEntry.objects.filter(action="inspiration.create").exists()
    public = client_for(grigny)
    assert public.get(f"/inspirations/{story.pk}/").status_code == 404  # a draft
    staff.post(f"/staff/inspirations/{story.pk}/action/", {"action": "publish"})
    assert "De Grigny à la cuisine étoilée" in public.get("/inspirations/").content.decode()
    assert "Yanis" in public.get(f"/inspirations/{story.pk}/").content.decode()
    assert "De Grigny à la cuisine" in public.get("/").content.decode()


def test_inspiration_roles_follow_the_back_office(client_for, make_user, grigny):
    with in_city(grigny):
        story = Inspiration.objects.create(title="T", person="A", summary="S", body="B")
    make_user(grigny, "viewer@grigny.test", Role.VIEWER)
    make_user(grigny, "partner@grigny.test", Role.PARTNER)
    viewer = _signed_in(client_for, grigny, "viewer@grigny.test")
    assert viewer.get("/staff/inspirations/").status_code == 200
    assert viewer.get("/staff/inspirations/nouvelle/").status_code == 403
    partner = _signed_in(client_for, grigny, "partner@grigny.test")
    partner.post(f"/staff/inspirations/{story.pk}/action/", {"action": "publish"})
    with in_city(grigny):
        assert Inspiration.objects.get().status == "draft"  # partners write drafts only
    make_youth_client = client_for(grigny)
    assert make_youth_client.get("/staff/inspirations/").status_code == 302


def test_staff_see_registrations_with_pseudonym_and_email_only(
    client_for, make_user, grigny, event, youths
):
    with in_city(grigny):
        for user, _ in youths[:3]:
            services.registration_create(user=user, offer_id=event.pk)
        YouthProfile.objects.filter(user=youths[0][0]).update(situation="lyceen")
    make_user(grigny, "editor@grigny.test", Role.EDITOR)
    staff = _signed_in(client_for, grigny, "editor@grigny.test")
    listing = staff.get("/staff/inscriptions/").content.decode()
    assert "Tournoi de futsal" in listing
    detail = staff.get(f"/staff/inscriptions/{event.pk}/").content.decode()
    assert "jeune0@grigny.test" in detail and "J0" in detail and "2 inscrit·e·s" in detail
    assert "1 en liste d'attente" in detail
    assert "Lycéen" not in detail and "2006" not in detail  # no profile data
    # Issue 10: an elected official (viewer) reads the same counts, never who registered.
    make_user(grigny, "viewer@grigny.test", Role.VIEWER)
    viewer = _signed_in(client_for, grigny, "viewer@grigny.test")
    assert "Tournoi de futsal" in viewer.get("/staff/inscriptions/").content.decode()
    detail = viewer.get(f"/staff/inscriptions/{event.pk}/").content.decode()
    assert "2 inscrit·e·s" in detail and "1 en liste d'attente" in detail
    assert "jeune0@grigny.test" not in detail and "J0" not in detail


def test_youth_accounts_cannot_open_staff_pages(client_for, grigny, event):
    with in_city(grigny):
        make_youth("eve@grigny.test")
    client = _signed_in(client_for, grigny, "eve@grigny.test")
    assert client.get("/staff/inscriptions/").status_code == 403
    assert client.get(f"/staff/inscriptions/{event.pk}/").status_code == 403


def test_saves_survive_a_withdrawn_offer(client_for, grigny):
    with in_city(grigny):
        user = make_youth("zoe@grigny.test")
        offer = make_offer(kind="emploi", title="Vendeur")
        services.save_add(user=user, offer_id=offer.pk)
        offer.status = "archived"
        offer.save()
        assert Save.objects.count() == 1
    html = _signed_in(client_for, grigny, "zoe@grigny.test").get("/mes-favoris/").content.decode()
    assert "n'est plus disponible" in html


def test_staff_registrations_list_upcoming_soonest_first_then_past(client_for, make_user, grigny):
    from datetime import timedelta

    from django.utils import timezone

    from tests.tenant_apps.catalogue.factories import make_offer

    now = timezone.now()
    with in_city(grigny):
        for title, days in (("Dans un mois", 30), ("Demain", 1), ("Hier", -1),
                            ("Le mois dernier", -30), ("Dans une semaine", 7)):  # fmt: skip
            make_offer(kind="evenement", title=title, starts_at=now + timedelta(days=days))
        # Under way (started an hour ago, ends tonight): with the upcoming ones, first.
        make_offer(kind="evenement", title="En ce moment", starts_at=now - timedelta(hours=1),
                   ends_at=now + timedelta(hours=3))  # fmt: skip
    make_user(grigny, "editor@grigny.test", Role.EDITOR)
    listing = _signed_in(client_for, grigny, "editor@grigny.test").get("/staff/inscriptions/")
    html = listing.content.decode()
    order = ["En ce moment", "Demain", "Dans une semaine", "Dans un mois", "Hier",
             "Le mois dernier"]  # fmt: skip
    positions = [html.index(title) for title in order]
    assert positions == sorted(positions)


def test_a_full_place_reads_complet_and_no_empty_date_is_shown(client_for, make_user, grigny):
    with in_city(grigny):
        make_structure(name="Plein", places_available=0)
        make_structure(name="Une place", places_available=1)
    html = client_for(grigny).get("/structures/").content.decode()
    assert "Complet pour l'instant" in html and "0 place" not in html
    assert "1 place disponible" in html
    make_user(grigny, "editeur@grigny.test", Role.EDITOR)
    staff = _signed_in(client_for, grigny, "editeur@grigny.test")
    listing = staff.get("/staff/structures/").content.decode()
    assert "(au )" not in listing  # the demo's figures have no update date


def test_the_story_form_groups_its_offers_under_a_legend(client_for, make_user, grigny):
    with in_city(grigny):
        make_offer(kind="emploi", title="Job d'été animateur")
    make_user(grigny, "editeur@grigny.test", Role.EDITOR)
    html = (
        _signed_in(client_for, grigny, "editeur@grigny.test")
        .get("/staff/inspirations/nouvelle/")
        .content.decode()
    )
    assert re.search(r"<fieldset><legend>Offres dont parle l[^<]*moi aussi[^<]*</legend>", html)
    assert "Job d&#x27;été animateur" in html.split("<fieldset>", 1)[1].split("</fieldset>", 1)[0]
    assert "Lien pour aller plus loin" in html
    assert '<p class="check"><div' not in html
