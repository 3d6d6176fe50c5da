"""Importers: idempotent upserts, a report per record, bad records rejected with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.timezone import localtime

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.importers.aides_jeunes import import_aides_jeunes
from tenant_apps.catalogue.importers.csv_template import import_csv, template_csv
from tenant_apps.catalogue.importers.datainclusion import import_datainclusion
from tenant_apps.catalogue.importers.events import import_ics, import_openagenda
from tenant_apps.catalogue.models import Offer, Structure
from tenant_apps.catalogue.selectors import OfferFilters, offer_list_for_city
from tenants.context import in_city

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue"
AIDES = FIXTURES / "aides_jeunes"
REAL_BENEFITS = (
    Path(__file__).resolve().parents[4] / "shared/data/aides-jeunes/data/benefits/javascript"
)


def reasons(report) -> dict[str, str]:
    return {r["record"]: r["reason"] for r in report.rejections}


def test_aides_jeunes_national_departemental_and_communal(grigny, gennevilliers):
    report = import_aides_jeunes(path=AIDES / "benefits", institutions_dir=AIDES / "institutions")
    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    rejected = reasons(report)
    assert set(rejected) == {"casse.yml", "sans-label.yml"}
    assert "YAML illisible" in rejected["casse.yml"] and "label" in rejected["sans-label.yml"]

    permis = NationalOffer.objects.get(external_id="aide-nationale-permis")
    assert permis.scope == "national" and permis.title == "Aide nationale au permis de conduire"
    assert permis.summary == "Aide de 500 € (ponctuelle) — État, de 17 à 25 ans."
    assert "Texte de test" not in permis.summary + permis.body  # their prose is never copied
    assert permis.source_url == "https://exemple.gouv.fr/permis"
    assert (permis.age_min, permis.age_max) == (17, 25)
    assert permis.situations == ["apprenti", "demandeur_emploi"]
    assert permis.eligibility["profils"][1] == {"type": "chomeur", "conditions": []}
    assert "mobilite--preparer-un-permis" in permis.themes
    bafa = NationalOffer.objects.get(external_id="caf-essonne-bafa")
    assert bafa.scope == "departemental" and bafa.departement_codes == ["91"]
    assert bafa.institution_type == "caf"
    voyage = NationalOffer.objects.get(external_id="voyage-18-ans")  # `operator: =`
    assert voyage.eligibility["conditions_generales"][0]["operator"] == "="
    assert (voyage.age_min, voyage.age_max) == (18, 18)
    elsewhere = NationalOffer.objects.get(external_id="autre-commune")
    assert elsewhere.scope == "communal" and elsewhere.commune_codes == ["75056"]
    # The communal aid of an onboarded city lands in that city's own catalogue only.
    assert not NationalOffer.objects.filter(external_id="grigny-bourse-projets").exists()
    with in_city(grigny):
        local = Offer.objects.get(source="aides-jeunes", external_id="grigny-bourse-projets")
        assert local.status == "published" and local.institution_name == "Ville de Grigny"
        grigny_titles = {h.offer.title for h in offer_list_for_city(filters=OfferFilters())[:50]}
    with in_city(gennevilliers):
        assert not Offer.objects.filter(external_id="grigny-bourse-projets").exists()
        genne_titles = {h.offer.title for h in offer_list_for_city(filters=OfferFilters())[:50]}
    assert "Bourse projets jeunes" in grigny_titles and "Aide au BAFA de la CAF" in grigny_titles
    assert "Aide au BAFA de la CAF" not in genne_titles  # Essonne only
    assert "Aide municipale ailleurs" not in grigny_titles

    again = import_aides_jeunes(path=AIDES / "benefits", institutions_dir=AIDES / "institutions")
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 5, 2)


def test_aides_jeunes_says_how_to_apply(grigny):
    import_aides_jeunes(path=AIDES / "benefits", institutions_dir=AIDES / "institutions")

    permis = NationalOffer.objects.get(external_id="aide-nationale-permis")
    assert permis.teleservice_url == "https://exemple.gouv.fr/permis/demande"
    assert permis.form_url == "https://exemple.gouv.fr/permis/formulaire.pdf"
    assert permis.instructions_url == "https://exemple.gouv.fr/permis/marche-a-suivre"
    assert permis.apply_url == permis.teleservice_url  # « J'y vais » keeps the first way
    assert permis.documents == [] and permis.apply_place == ""
    # One online form per paying body: the CAF's is kept; a link that is not http(s) is not.
    bafa = NationalOffer.objects.get(external_id="caf-essonne-bafa")
    assert bafa.teleservice_url == "https://exemple.caf.fr/bafa/demande"
    assert (bafa.form_url, bafa.instructions_url) == ("", "")
    assert bafa.apply_place == "Une agence de la CAF"  # the institution's place type
    with in_city(grigny):
        local = Offer.objects.get(source="aides-jeunes", external_id="grigny-bourse-projets")
    assert local.teleservice_url == "" and local.form_url == ""
    assert local.instructions_url == "https://exemple.grigny.fr/bourse/comment-faire"
    assert local.apply_url == local.instructions_url
    assert local.apply_place == "Un point information jeunesse"  # unknown place types left out
    for offer in (permis, bafa, local):
        assert "Texte de test" not in " ".join([offer.apply_place, *offer.documents])


def test_aides_jeunes_update_is_reported(db, tmp_path):
    file = tmp_path / "aide.yml"
    file.write_text((AIDES / "benefits" / "aide-nationale-permis.yml").read_text())
    assert import_aides_jeunes(path=file).created == 1
    file.write_text(file.read_text().replace("montant: 500", "montant: 600"))
    report = import_aides_jeunes(path=file)
    assert report.updated == 1 and report.outcomes == {"aide.yml": "updated"}
    assert NationalOffer.objects.get(external_id="aide").amount_value == 600


def test_import_aides_jeunes_command(db, capsys):
    call_command("import_aides_jeunes", str(AIDES / "benefits"))
    out = capsys.readouterr().out
    assert "rejeté casse.yml" in out and "rejeté(s)" in out


def test_datainclusion_structures_and_services(grigny):
    data = (FIXTURES / "datainclusion.json").read_bytes()
    with in_city(grigny):
        report = import_datainclusion(data=data, publish=True)
        assert (report.created, report.rejected) == (2, 2)
        assert "nom" in reasons(report)["structure 2 (sans-nom)"]
        assert "description" in reasons(report)["service 2 (svc-2)"]
        structure = Structure.objects.get(external_id="test:ml-1")
        assert structure.typology == "mission_locale" and structure.networks == ["mission-locale"]
        service = Offer.objects.get(external_id="test:svc-1")
        assert service.structure == structure and service.kind == "service"
        assert service.themes == [
            "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"
        ]
        assert service.qpv_priority and service.is_free
        hits = offer_list_for_city(filters=OfferFilters(q="mission locale"))[:5]
        assert [h.offer.title for h in hits] == ["Atelier CV"]
        assert import_datainclusion(data=data, publish=True).unchanged == 2


def test_ics_events(grigny):
    data = (FIXTURES / "events.ics").read_bytes()
    with in_city(grigny):
        report = import_ics(data=data, publish=True)
        assert report.created == 2
        assert "UID" in reasons(report)["événement 3"]
        assert "début" in reasons(report)["événement 4 (sans-date@test)"]
        concert = Offer.objects.get(source="ics", external_id="concert-1@test")
        assert concert.kind == "evenement" and concert.latitude == 48.65
        assert concert.address == "Parc central"
        assert import_ics(data=data, publish=True).unchanged == 2


def test_openagenda_events(grigny):
    data = (FIXTURES / "openagenda.json").read_bytes()
    with in_city(grigny):
        report = import_openagenda(data=data, publish=True)
        assert report.created == 1 and report.rejected == 2
        graffiti = Offer.objects.get(source="openagenda", external_id="101")
        assert graffiti.starts_at.day == 1 and graffiti.ends_at.day == 8
        assert graffiti.is_free and graffiti.address == "MJC, 3 avenue des Arts"
        assert "date illisible" in reasons(report)["événement 3 (103)"]


def test_csv_template_rows(grigny):
    data = (FIXTURES / "offres.csv").read_bytes()
    with in_city(grigny):
        report = import_csv(data=data)
        assert report.created == 2
        rejected = reasons(report)
        assert "type inconnu" in rejected["ligne 4"]
        assert "gratuit" in rejected["ligne 5"]
        assert "âge maximum" in rejected["ligne 6"]
        job = Offer.objects.get(source="csv", external_id="job-ete-1")
        assert job.status == "draft" and job.capacity == 6 and job.apply_by.year == 2030
        fete = Offer.objects.get(source="csv", title="Fête de la musique")
        assert fete.kind == "evenement" and localtime(fete.starts_at).hour == 18
        assert import_csv(data=data).unchanged == 2


def test_csv_template_download_has_all_headers(db):
    assert template_csv().startswith("identifiant;type;titre;")


def test_bad_files_are_reported_not_raised(grigny):
    with in_city(grigny):
        assert import_csv(data=b"nom;prix\nx;1\n").rejections[0]["record"] == "fichier"
        assert import_ics(data=b"pas du tout").rejected == 1
        assert import_openagenda(data=b"{oops").rejected == 1
        assert import_datainclusion(data=b"42").rejected == 1


@pytest.mark.skipif(not REAL_BENEFITS.is_dir(), reason="../shared/data is absent")
def test_real_aides_jeunes_corpus_imports_cleanly(db):
    report = import_aides_jeunes(path=REAL_BENEFITS)
    assert report.total == 431 and report.rejected == 0, report.rejections[:5]


def test_staff_upload_runs_as_a_task_with_a_stored_report(
    grigny, make_user, django_capture_on_commit_callbacks
):
    from tenant_apps.catalogue.imports import import_start
    from tenant_apps.catalogue.models import ImportRun
    from tenant_apps.catalogue.tasks import run_city_import

    editor = make_user(grigny, "ed@grigny.test", "editor")
    with in_city(grigny):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            run = import_start(
                by=editor, importer="csv", filename="offres.csv",
                data=(FIXTURES / "offres.csv").read_bytes(), publish=True,
            )  # fmt: skip
        assert len(callbacks) == 1 and run.status == "pending"
        run_city_import(run.pk)  # what the worker runs, in the sending city's schema
        run = ImportRun.objects.get(pk=run.pk)
        assert run.status == "done" and (run.created, run.rejected) == (2, 3)
        assert run.processed == run.total == 5
        assert run.rejections[0]["record"] == "ligne 4" and bytes(run.payload) == b""
        assert Offer.objects.get(external_id="job-ete-1").status == "published"
