"""Operator console: who may see it, the onboarding wizard, lifecycle, domains, flags, audit."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from shared_apps.accounts.models import Role
from tenants.domains import domain_challenge_for
from tenants.features import feature_states
from tenants.models import AuditEntry, City, CityStatus, Domain
from tenants.tasks import provision_city

PAGES = [
    "/console/",
    "/console/journal/",
    "/console/villes/nouvelle/",
    "/console/villes/grigny/",
    "/console/villes/grigny/progression/",
]


@pytest.fixture
def console(operator, public_host) -> Client:
    client = Client(HTTP_HOST=public_host)
    client.force_login(operator)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_the_sign_in_page(grigny, client_for, public_host, path):
    response = client_for(public_host).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_non_operators_get_a_403(grigny, make_user, public_host, path):
    someone = make_user(None, "curieux@tremplin.test", Role.ADMIN)
    client = Client(HTTP_HOST=public_host)
    client.force_login(someone)
    response = client.get(path)
    assert response.status_code == 403
    assert "réservé aux opérateurs" in response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_console_does_not_exist_on_city_hosts(grigny, client_for, path):
    assert client_for(grigny).get(path).status_code == 404


def test_city_list_shows_status_billing_and_usage(console, grigny, noisy):
    page = console.get("/console/").content.decode()
    assert "Grigny" in page and "Noisy-le-Sec" in page and "Active" in page
    assert "—" in page  # billing not known yet
    row = page.split("Grigny", 1)[1].split("</tr>", 1)[0]
    assert re.search(r"<td>\d+</td>", row)  # users counted in grigny's schema


def test_wizard_search_then_prefilled_form(console):
    page = console.get("/console/villes/nouvelle/", {"q": "haÿ les roses"}).content.decode()
    assert "L&#x27;Haÿ-les-Roses" in page and "?insee=94038" in page
    page = console.get("/console/villes/nouvelle/", {"q": "93071"}).content.decode()
    assert "Sevran" in page
    form = console.get("/console/villes/nouvelle/", {"insee": "94038"}).content.decode()
    assert 'value="l-hay-les-roses"' in form and 'value="94038"' in form
    assert "habitants" in form
    empty = console.get("/console/villes/nouvelle/", {"q": "zzzzqqq"}).content.decode()
    assert "Aucune commune" in empty


def test_wizard_suggests_a_free_slug(console, grigny):
    form = console.get("/console/villes/nouvelle/", {"insee": "91286"}).content.decode()
    assert 'value="grigny-91"' in form


def test_wizard_happy_path_provisions_and_shows_the_url(
    console, operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = console.post(
            "/console/villes/nouvelle/",
            {
                "insee": "93071",
                "name": "Sevran",
                "slug": "sevran",
                "admin_email": "jeunesse@sevran.test",
                "primary_color": "#0b5fa5",
                "plan": "essentiel",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/console/villes/sevran/progression/"
    assert any("_provision_in_background" in repr(c) for c in callbacks)  # the task, after commit
    city = City.objects.get(slug="sevran")
    assert city.status == CityStatus.PROVISIONING
    waiting = console.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting and "en cours" in waiting
    provision_city(city.pk, "#0B5FA5")  # what the worker runs
    done = console.get(response["Location"]).content.decode()
    assert "http://sevran.localhost:8000/" in done and 'http-equiv="refresh"' not in done
    started = AuditEntry.objects.get(action="console.onboarding_started", city=city)
    assert started.actor == operator.email and started.details["plan"] == "essentiel"
    assert AuditEntry.objects.filter(action="city.registered", actor=operator.email).exists()
    assert Client(HTTP_HOST="sevran.localhost").get("/").status_code == 200
    listing = console.get("/console/").content.decode()
    row = listing.split("Sevran", 1)[1].split("</tr>", 1)[0]
    if "shared_apps.billing" in settings.INSTALLED_APPS:  # the plan went to billing
        assert "Essentiel" in row


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "www"}, "réservé"),
        ({"slug": "Pas Bon"}, "minuscules"),
        ({"slug": "grigny"}, "déjà utilisé"),
        ({"admin_email": "pas-une-adresse"}, "adresse e-mail valide"),
        ({"primary_color": "#FFFF00"}, "trop claire"),
        ({"name": ""}, "obligatoire"),
    ],
)
def test_wizard_bad_input_shows_french_errors_and_creates_nothing(
    console, grigny, overrides, message
):
    data = {
        "insee": "93071",
        "name": "Sevran",
        "slug": "sevran",
        "admin_email": "jeunesse@sevran.test",
        "primary_color": "#0B5FA5",
        **overrides,
    }
    before = City.objects.count()
    response = console.post("/console/villes/nouvelle/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert City.objects.count() == before


def test_wizard_with_unknown_commune_goes_back_to_search(console):
    response = console.post("/console/villes/nouvelle/", {"insee": "00000", "name": "X"})
    assert response.status_code == 302 and response["Location"] == "/console/villes/nouvelle/"


def test_suspend_and_reactivate_from_the_console(console, grigny, gennevilliers, client_for):
    response = console.post("/console/villes/grigny/suspendre/", {"reason": "Impayé"})
    assert response.status_code == 302
    assert City.objects.get(pk=grigny.pk).status == CityStatus.SUSPENDED
    assert client_for(grigny).get("/").status_code == 503
    assert client_for(gennevilliers).get("/").status_code == 200
    detail = console.get("/console/villes/grigny/").content.decode()
    assert "Réactiver" in detail and "city.suspended" in detail
    console.post("/console/villes/grigny/reactiver/")
    assert City.objects.get(pk=grigny.pk).status == CityStatus.ACTIVE


def test_suspend_needs_a_reason(console, grigny):
    console.post("/console/villes/grigny/suspendre/", {"reason": ""})
    assert City.objects.get(pk=grigny.pk).status == CityStatus.ACTIVE


def test_drop_with_a_wrong_slug_is_refused_with_a_message(console, grigny):
    City.objects.filter(pk=grigny.pk).update(status=CityStatus.ARCHIVED)
    response = console.post(
        "/console/villes/grigny/supprimer/", {"confirm_slug": "grign"}, follow=True
    )
    assert "saisis exactement son identifiant" in response.content.decode()
    assert City.objects.filter(pk=grigny.pk).exists()


def test_domains_from_the_console(console, grigny, fake_dns):
    console.post("/console/villes/grigny/domaines/ajouter/", {"domain": "jeunes.grigny.test"})
    assert Domain.objects.filter(tenant=grigny, domain="jeunes.grigny.test").exists()
    challenge = domain_challenge_for(city=grigny, host="jeunes.grigny.test")
    fake_dns.txt[challenge.name] = [challenge.value]
    console.post("/console/villes/grigny/domaines/verifier/", {"domain": "jeunes.grigny.test"})
    console.post("/console/villes/grigny/domaines/principal/", {"domain": "jeunes.grigny.test"})
    assert Domain.objects.get(domain="jeunes.grigny.test").is_primary
    bad = console.post(
        "/console/villes/grigny/domaines/ajouter/", {"domain": "localhost"}, follow=True
    )
    assert "pas valide" in bad.content.decode()


def test_the_console_shows_the_dns_record_and_refuses_an_unverified_primary(
    console, grigny, gennevilliers, fake_dns
):
    console.post("/console/villes/grigny/domaines/ajouter/", {"domain": "jeunes.grigny.test"})
    challenge = domain_challenge_for(city=grigny, host="jeunes.grigny.test")
    page = console.get("/console/villes/grigny/").content.decode()
    assert challenge.name in page and challenge.value in page and "Vérifier" in page
    assert challenge.value not in console.get("/console/villes/gennevilliers/").content.decode()

    refused = console.post(
        "/console/villes/grigny/domaines/principal/", {"domain": "jeunes.grigny.test"}, follow=True
    ).content.decode()
    assert "pas encore vérifié" in refused
    missing = console.post(
        "/console/villes/grigny/domaines/verifier/", {"domain": "jeunes.grigny.test"}, follow=True
    ).content.decode()
    assert "Enregistrement introuvable" in missing
    assert not Domain.objects.get(domain="jeunes.grigny.test").is_primary

    fake_dns.txt[challenge.name] = [challenge.value]
    done = console.post(
        "/console/villes/grigny/domaines/verifier/", {"domain": "jeunes.grigny.test"}, follow=True
    ).content.decode()
    assert "est vérifié" in done and challenge.value not in done
    console.post("/console/villes/grigny/domaines/principal/", {"domain": "jeunes.grigny.test"})
    assert Domain.objects.get(domain="jeunes.grigny.test").is_primary
    # Another city's domain cannot be verified through this city's page.
    console.post(
        "/console/villes/gennevilliers/domaines/verifier/", {"domain": "jeunes.grigny.test"}
    )
    assert AuditEntry.objects.filter(action="domain.verified").count() == 1


def test_feature_allow_from_the_console(console, grigny, gennevilliers):
    console.post("/console/villes/grigny/fonctionnalites/", {"key": "mentors", "allowed": "1"})
    assert {s.feature.key for s in feature_states(city=grigny) if s.allowed} == {"mentors"}
    assert not any(s.allowed for s in feature_states(city=gennevilliers))
    page = console.get("/console/villes/grigny/").content.decode()
    assert "Mentors" in page


def test_audit_log_lists_operator_actions(console, grigny, operator):
    console.post("/console/villes/grigny/suspendre/", {"reason": "Impayé"})
    page = console.get("/console/journal/").content.decode()
    assert "city.suspended" in page and operator.email in page and "Impayé" in page
    filtered = console.get("/console/journal/", {"ville": "gennevilliers"}).content.decode()
    assert "city.suspended" not in filtered


def test_unknown_city_is_a_404(console):
    assert console.get("/console/villes/atlantide/").status_code == 404


def test_archive_then_drop_from_the_console(console, grigny, gennevilliers, settings, tmp_path):
    settings.TREMPLIN_EXPORT_DIR = tmp_path
    console.post("/console/villes/grigny/archiver/")
    assert City.objects.get(pk=grigny.pk).status == CityStatus.ARCHIVED
    assert len(list(tmp_path.glob("grigny-*.tar.gz"))) == 1
    detail = console.get("/console/villes/grigny/").content.decode()
    assert "Supprimer définitivement" in detail
    response = console.post("/console/villes/grigny/supprimer/", {"confirm_slug": "grigny"})
    assert response["Location"] == "/console/"
    assert not City.objects.filter(slug="grigny").exists()
    assert City.objects.get(pk=gennevilliers.pk).status == CityStatus.ACTIVE
    assert AuditEntry.objects.filter(action="city.dropped", details__slug="grigny").exists()
