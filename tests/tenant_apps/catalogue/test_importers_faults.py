"""Importers never stop on a file: whatever a record holds (NUL bytes, undecodable text, bad
dates, nesting, properties given twice) it is rejected alone with a French reason, a file that
cannot be read at all is one French line, and recurring iCalendar events become one offer per
occurrence over the next 90 days."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.utils.timezone import localtime

from tenant_apps.catalogue.importers.csv_template import import_csv, template_csv
from tenant_apps.catalogue.importers.datainclusion import import_datainclusion
from tenant_apps.catalogue.importers.events import import_ics, import_openagenda
from tenant_apps.catalogue.models import Offer
from tenants.context import in_city

ICS = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue" / "ics"
TODAY = date(2030, 6, 3)  # a Monday; the horizon runs to 1 September 2030


def reasons(report) -> dict[str, str]:
    return {r["record"]: r["reason"] for r in report.rejections}


def _local(offers) -> list[str]:
    return [f"{localtime(o.starts_at):%m-%d %H:%M}" for o in offers]


def test_a_recurring_event_is_one_offer_per_occurrence_over_90_days(grigny):
    data = (ICS / "recurring.ics").read_bytes()
    with in_city(grigny):
        report = import_ics(data=data, publish=True, today=TODAY)
        cv = Offer.objects.filter(source="ics", external_id__startswith="atelier-cv@test#")
        # Mondays 3 June to 22 July (UNTIL), minus three EXDATE (two lines, one with two
        # values), plus three RDATE (two lines), the 8 July one moved to Tuesday 9 July.
        assert _local(cv.order_by("starts_at")) == [
            "06-03 18:00", "06-05 14:00", "06-12 14:00", "06-19 14:00",
            "07-01 18:00", "07-09 19:00", "07-15 18:00", "07-22 18:00",
        ]  # fmt: skip
        moved = cv.get(title="Atelier CV (décalé au mardi)")
        assert f"{localtime(moved.ends_at):%H:%M}" == "21:00"
        assert moved.external_id == "atelier-cv@test#20300708T160000Z"  # its original start
        rdate = cv.get(starts_at__day=5)
        assert (rdate.ends_at - rdate.starts_at).seconds == 2 * 3600  # the event's duration
        assert all(o.address == "Point information jeunesse" for o in cv.exclude(pk=moved.pk))
        foot = Offer.objects.filter(source="ics", title="Foot en salle le 15 du mois")
        assert sorted(f"{localtime(o.starts_at):%m-%d}" for o in foot) == [
            "06-15",
            "07-15",
            "08-15",
        ]
        assert Offer.objects.filter(source="ics", external_id="concert-ete@test").exists()
        assert report.created == 8 + 3 + 1
        rejected = reasons(report)
        assert rejected["événement 4 (stage-hiver@test)"] == (
            "aucune date dans les 90 prochains jours"
        )
        assert "plus de 200 dates" in rejected["événement 5 (dix-par-jour@test)"]
        assert "trop fréquente" in rejected["événement 6 (chaque-seconde@test)"]
        assert "répétition illisible" in rejected["événement 7 (regle-cassee@test)"]
        assert report.rejected == 4
        again = import_ics(data=data, publish=True, today=TODAY)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 12)


def test_a_week_later_the_horizon_moves_and_known_occurrences_stay_the_same_offers(grigny):
    data = (ICS / "recurring.ics").read_bytes()
    with in_city(grigny):
        import_ics(data=data, publish=True, today=TODAY)
        first = Offer.objects.get(external_id="atelier-cv@test#20300701T160000Z").pk
        later = import_ics(data=data, publish=True, today=date(2030, 6, 10))
        assert Offer.objects.get(external_id="atelier-cv@test#20300701T160000Z").pk == first
        assert later.created == 0  # nothing new before 8 September: foot's 15 Sept is later


def test_properties_given_twice_reject_their_event_only(grigny):
    """The case of two calendars of the icalendar project's own tests (two DTSTART in a time
    zone defined after the event): `'list' object has no attribute 'dt'` stopped the file."""
    data = (ICS / "duplicates.ics").read_bytes()
    with in_city(grigny):
        report = import_ics(data=data, publish=True, today=TODAY)
        rejected = reasons(report)
        assert rejected["événement 1 (deux-debuts@test)"].startswith(
            "date de début (DTSTART) donnée 2 fois"
        )
        assert "date de fin (DTEND) donnée 2 fois" in rejected["événement 2 (deux-fins@test)"]
        assert "titre (SUMMARY) donnée 2 fois" in rejected["événement 3 (deux-titres@test)"]
        job = Offer.objects.get(source="ics", external_id="job-dating@test")
        assert f"{localtime(job.starts_at):%d/%m %H:%M}" == "15/06 10:00"  # its own zone, +2
        assert (report.created, report.rejected) == (1, 3)


def test_hostile_values_reject_their_event_with_a_french_reason(grigny):
    data = (ICS / "hostile.ics").read_bytes()
    with in_city(grigny):
        report = import_ics(data=data, publish=True, today=TODAY)
        rejected = reasons(report)
        assert rejected["événement 1 (nul@test)"] == "caractère nul (\\x00) dans « title »"
        assert rejected["événement 3 (mois-13@test)"] == "date de début (DTSTART) illisible"
        assert rejected["événement 4 (an-un@test)"].startswith(
            "date hors limites dans « starts_at » : 0001-01-01"
        )
        assert rejected["événement 5 (periode@test)"].startswith("date illisible")
        assert rejected["événement 6 (geo@test)"].startswith("position (GEO) illisible")
        assert "UID donné plusieurs fois" in rejected["événement 7"]
        latin1 = Offer.objects.get(source="ics", external_id="latin1@test")
        assert latin1.title.startswith("Caf")  # undecodable bytes read as U+FFFD, kept
        assert Offer.objects.filter(source="ics", external_id="bien@test").exists()
        assert (report.created, report.rejected) == (2, 6)


@pytest.mark.parametrize(
    "data",
    [b"pas du tout", b"\xff\xfe\x00B\x00E\x00G", b"BEGIN:VCALENDAR\r\n" * 3000, b""],
    ids=["text", "binary", "nested", "empty"],
)
def test_an_unreadable_calendar_is_one_french_line(grigny, data):
    with in_city(grigny):
        report = import_ics(data=data, today=TODAY)
    assert [r["record"] for r in report.rejections] == ["fichier"]
    line = report.rejections[0]["reason"]
    assert line.startswith("iCalendar illisible") and "\n" not in line


def test_json_nesting_and_undecodable_text_never_stop_the_file(grigny):
    deep = "[" * 100_000 + "]" * 100_000
    with in_city(grigny):
        for importer in (import_openagenda, import_datainclusion):
            report = importer(data=deep.encode())
            assert report.rejections == [
                {
                    "record": "fichier",
                    "reason": "JSON illisible : listes ou objets imbriqués trop profondément",
                }
            ]
            latin1 = importer(data='{"events": ["caf\u00e9"]}'.encode("latin-1"))
            assert latin1.rejections[0]["reason"].startswith(
                "JSON illisible : le fichier n'est pas en UTF-8"
            )
            syntax = importer(data=b'{"events": [}')
            assert syntax.rejections[0]["reason"] == (
                "JSON illisible : erreur de syntaxe ligne 1, colonne 13"
            )


def test_openagenda_records_with_hostile_values_are_rejected_alone(grigny):
    nested: object = "fond"
    for _ in range(50):
        nested = {"fr": nested}

    def event(uid, title, begin="2030-06-10T14:00:00+02:00", **extra):
        return {"uid": uid, "title": title, "timings": [{"begin": begin}], **extra}

    events = [
        event("ok", {"fr": "Tournoi"}),
        event("nul", {"fr": "Nul\u0000ici"}),
        event("surrogate", {"fr": "Demi\ud800caractère"}),
        event("profond", nested),
        event("an-9999", {"fr": "Futur"}, begin="9999-12-31T23:00:00+00:00"),
        event("mois-13", {"fr": "Mois 13"}, begin="2030-13-10T14:00:00"),
        event("liste", {"fr": "Lieu"}, location={"latitude": [1]}),
        {"uid": 12, "title": {"fr": "Minuit"}, "timings": 7},
    ]
    data = json.dumps({"events": events}).encode()
    with in_city(grigny):
        report = import_openagenda(data=data, publish=True)
        rejected = reasons(report)
    assert report.created == 1, rejected
    assert rejected["événement 2 (nul)"] == "caractère nul (\\x00) dans « title »"
    assert (
        rejected["événement 3 (surrogate)"] == "texte illisible (caractère invalide) dans « title »"
    )
    assert rejected["événement 4 (profond)"] == "événement trop imbriqué (plus de 20 niveaux)"
    assert rejected["événement 5 (an-9999)"].startswith("date hors limites dans « starts_at »")
    assert "mois-13" in " ".join(rejected)
    assert "liste" in " ".join(rejected)
    assert report.rejected == 7


def test_datainclusion_records_of_the_wrong_shape_are_rejected_alone(grigny):
    structures = [
        {"source": "dora", "id": "s1", "nom": "Mission locale"},
        {"source": "dora", "id": "s2", "nom": "Bad", "reseaux_porteurs": 42},
        {"source": "dora", "id": ["x"] * 3, "nom": "Id en liste"},
        {"source": "dora", "id": "s4", "nom": "Nul\u0000"},
        "pas un objet",
    ]
    data = json.dumps({"structures": structures, "services": {"pas": "une liste"}}).encode()
    with in_city(grigny):
        assert import_datainclusion(data=data).rejections[0]["record"] == "fichier"
        report = import_datainclusion(data=json.dumps({"structures": structures}).encode())
    rejected = reasons(report)
    assert report.created == 2, rejected  # s1, and the list id becomes its text
    assert rejected["structure 2 (s2)"] == "enregistrement illisible (TypeError)"
    assert rejected["structure 4 (s4)"] == "caractère nul (\\x00) dans « name »"
    assert "objet JSON" in rejected["structure 5"]


def test_a_binary_or_broken_csv_rejects_rows_not_the_file(grigny):
    header = template_csv().splitlines()[0]
    good = "ok-1;evenement;Tournoi;;;sport;;;;;;;;non;2030-06-10 14:00;;;;oui;;;;;;;;"
    rows = [
        header,
        good,
        "nul-1;aide;Aide\x00cachée;;;;;;;;;;;non;;;;;oui;;;;;;;;",
        "an-1;evenement;Très vieux;;;;;;;;;;;non;0001-01-01 10:00;;;;oui;;;;;;;;",
        'long;aide;"' + "x" * 200_000 + '";;;;;;;;;;;non;;;;;oui;;;;;;;;',
        "date;evenement;Mauvaise date;;;;;;;;;;;non;31/02/2030;;;;oui;;;;;;;;",
        "ok-2;aide;Bourse;;;;;;;;;;;non;;;;;oui;;;;;;;;",
    ]
    data = "\n".join(rows).encode("utf-8") + b"\n" + bytes(range(256)) + b"\n"
    with in_city(grigny):
        report = import_csv(data=data)
        rejected = reasons(report)
    assert report.created == 2, rejected
    assert rejected["ligne 3"] == "caractère nul (\\x00) dans « title »"
    assert rejected["ligne 4"].startswith("date hors limites dans « starts_at »")
    assert rejected["ligne 5"] == "champ de plus de 128 Ko"
    assert "date illisible" in rejected["ligne 6"]
    assert report.rejected >= 4  # and the binary line, whatever it reads as
    with in_city(grigny):
        binary = import_csv(data=bytes(range(256)) * 40)
    assert [r["record"] for r in binary.rejections] == ["fichier"]
