"""A tenant is a territory: onboarding by communes or by EPCI, one tenant per commune (409
naming the tenant that covers it, on every door), the explicit move, and the race."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from kernel.errors import Conflict, ValidationFailed

from shared_apps.geo.communes import epci_communes
from tenant_apps.youth.models import Neighbourhood
from tenants.context import in_city
from tenants.models import AuditEntry, City, CityCommune, CityStatus
from tenants.services import city_onboard

from ..concurrency import wait_until_a_query_waits_for_a_lock

ROOT = Path(__file__).resolve().parents[2]
LENS_LIEVIN = "246200364"  # CA de Lens - Liévin
LENS, LIEVIN, AVION = "62498", "62510", "62065"
ADMIN = "admin@territoire.test"


def onboard(**kwargs):
    kwargs.setdefault("admin_email", ADMIN)
    return city_onboard(**kwargs)


def test_onboarding_by_communes_makes_one_tenant_of_them(db):
    city = onboard(name="Lens-Liévin", slug="lens-lievin", communes=[LENS, LIEVIN, AVION]).city
    assert city.status == CityStatus.ACTIVE
    assert city.insee == LENS and city.commune_codes == [LENS, LIEVIN, AVION]
    assert city.is_territory
    # Figures summed and merged from the members; one EPCI shared by all of them.
    assert city.population == 32920 + 30063 + 17435
    assert {"62300", "62800", "62210"} <= set(city.postal_codes)
    assert (city.departement, city.region, city.epci) == ("62", "32", LENS_LIEVIN)
    claimed = CityCommune.objects.filter(city=city).values_list("insee", flat=True)
    assert sorted(claimed) == sorted([LENS, LIEVIN, AVION])


def test_onboarding_by_epci_takes_all_its_communes_the_most_populous_first(db):
    members = epci_communes(LENS_LIEVIN)
    assert len(members) > 30 and members[:2] == [LENS, LIEVIN]
    city = onboard(name="Agglo Lens-Liévin", slug="agglo-lens", epci=LENS_LIEVIN).city
    assert city.commune_codes == members and city.insee == LENS
    assert CityCommune.objects.filter(city=city).count() == len(members)


def test_an_epci_never_lists_the_arrondissements_beside_their_commune():
    grand_paris = epci_communes("200054781")
    assert "75056" in grand_paris and not any(code.startswith("751") for code in grand_paris)


def test_qpv_of_every_member_commune_are_seeded_with_their_commune(db):
    city = onboard(name="Lens-Liévin", slug="lens-lievin", communes=[LENS, LIEVIN]).city
    with in_city(city):
        rows = {n.code: n for n in Neighbourhood.objects.all()}
    assert rows["qn06226m"].commune_insee == LENS  # Cité 2, Lens
    assert rows["qn06228m"].commune_insee == LIEVIN  # Calonne - Marichelles, Liévin
    # Outside the QPV: one entry per commune, so each commune's figures add up.
    assert rows[f"hors-qpv-{LENS}"].commune_insee == LENS
    assert rows[f"hors-qpv-{LIEVIN}"].commune_insee == LIEVIN
    assert "hors-qpv" not in rows


@pytest.mark.parametrize(
    ("territory", "field"),
    [
        ({"communes": [LENS, "99999"]}, "communes"),
        ({"communes": [LENS, "6249"]}, "communes"),
        ({"epci": "123456789"}, "epci"),
        ({"insee": LENS, "epci": LENS_LIEVIN}, "epci"),
        ({}, "insee"),
    ],
)
def test_a_bad_territory_is_refused_on_its_own_field(db, territory, field):
    with pytest.raises(ValidationFailed) as caught:
        onboard(name="X", slug="xxx", **territory)
    assert field in caught.value.fields
    assert not City.objects.filter(slug="xxx").exists()


def test_a_covered_commune_is_a_conflict_naming_the_tenant_that_covers_it(db, grigny):
    with pytest.raises(Conflict) as caught:
        onboard(name="Grigny bis", slug="grigny-bis", insee="91286")
    error = caught.value
    assert error.code == "commune_covered" and error.status_code == 409
    assert error.fields["existing_slug"] == ["grigny"]
    assert error.fields["existing_name"] == ["Grigny"]
    assert error.fields["existing_url"] == [grigny.url]
    assert "Grigny" in error.message and grigny.url in error.message
    assert not City.objects.filter(slug="grigny-bis").exists()


def test_a_commune_inside_a_territory_cannot_be_onboarded_alone(db):
    onboard(name="Lens-Liévin", slug="lens-lievin", epci=LENS_LIEVIN)
    with pytest.raises(Conflict) as caught:
        onboard(name="Avion", slug="avion", insee=AVION)
    assert caught.value.fields["existing_slug"] == ["lens-lievin"]
    with pytest.raises(Conflict):  # nor in another list
        onboard(name="Autre", slug="autre", communes=["62001", AVION])


def test_moving_takes_the_commune_from_the_old_tenant_and_audits_it(db):
    old = onboard(name="Lens-Liévin", slug="lens-lievin", communes=[LENS, LIEVIN, AVION]).city
    new = onboard(
        name="Avion", slug="avion", insee=AVION, move_communes=True, by="ops@tremplin.test"
    ).city
    old.refresh_from_db()
    assert old.commune_codes == [LENS, LIEVIN] and old.population == 32920 + 30063
    assert CityCommune.objects.get(insee=AVION).city == new
    moved = AuditEntry.objects.get(action="city.communes_moved", city=old)
    assert moved.actor == "ops@tremplin.test"
    assert moved.details["communes"] == [AVION] and moved.details["to_slug"] == "avion"
    registered = AuditEntry.objects.get(action="city.registered", city=new)
    assert registered.details["moved_from"] == {"lens-lievin": [AVION]}


def test_moving_the_default_commune_makes_the_next_one_the_default(db):
    old = onboard(name="Lens-Liévin", slug="lens-lievin", communes=[LENS, LIEVIN]).city
    onboard(name="Lens", slug="lens", insee=LENS, move_communes=True)
    old.refresh_from_db()
    assert (old.insee, old.commune_codes) == (LIEVIN, [LIEVIN])


def test_a_move_never_leaves_a_tenant_without_a_commune(db, grigny):
    with pytest.raises(Conflict) as caught:
        onboard(name="Grigny bis", slug="grigny-bis", insee="91286", move_communes=True)
    assert caught.value.code == "last_commune"
    assert CityCommune.objects.get(insee="91286").city == grigny


def test_an_archived_tenant_covers_nothing(db):
    old = onboard(name="Sevran", slug="sevran", insee="93071").city
    City.objects.filter(pk=old.pk).update(status=CityStatus.ARCHIVED)
    new = onboard(name="Sevran", slug="sevran-2026", insee="93071").city
    assert CityCommune.objects.get(insee="93071").city == new
    assert AuditEntry.objects.get(action="city.communes_moved", city=old).details["archived"]


def test_the_api_answers_409_with_the_tenant_and_returns_the_communes(
    api_for, operator_token, public_host, grigny
):
    api = api_for(public_host, operator_token)
    body = {"name": "Grigny bis", "slug": "grigny-bis", "insee": "91286", "admin_email": ADMIN}
    response = api.post("/api/v1/cities/", body, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "commune_covered" and set(error) == {"code", "message", "fields"}
    assert error["fields"]["existing_slug"] == ["grigny"]
    assert error["fields"]["existing_url"] == [grigny.url]
    body = {"name": "Lens-Liévin", "slug": "lens-lievin", "admin_email": ADMIN}
    response = api.post("/api/v1/cities/", {**body, "communes": [LENS, LIEVIN]}, format="json")
    assert response.status_code == 202
    detail = api.get("/api/v1/cities/lens-lievin/").json()
    assert detail["communes"] == [LENS, LIEVIN] and detail["insee"] == LENS
    assert api.get("/api/v1/cities/grigny/").json()["communes"] == ["91286"]


def test_the_api_onboards_an_epci(api_for, operator_token, public_host):
    api = api_for(public_host, operator_token)
    body = {"name": "Lens-Liévin", "slug": "lens-lievin", "epci": LENS_LIEVIN, "admin_email": ADMIN}
    assert api.post("/api/v1/cities/", body, format="json").status_code == 202
    assert api.get("/api/v1/cities/lens-lievin/").json()["communes"] == epci_communes(LENS_LIEVIN)


def test_the_command_onboards_communes_and_refuses_a_covered_one(db):
    out = StringIO()
    call_command("onboard_city", "--name", "Lens-Liévin", "--slug", "lens-lievin",
                 "--communes", f"{LENS},{LIEVIN}", "--admin-email", ADMIN, stdout=out)  # fmt: skip
    assert City.objects.get(slug="lens-lievin").commune_codes == [LENS, LIEVIN]
    with pytest.raises(CommandError) as caught:
        call_command("onboard_city", "--name", "Lens", "--slug", "lens", "--insee", LENS,
                     "--admin-email", ADMIN, stdout=StringIO())  # fmt: skip
    line = str(caught.value)
    assert "Lens-Liévin" in line and "http://lens-lievin.localhost:8000/" in line
    assert "--move-communes" in line and "\n" not in line
    call_command("onboard_city", "--name", "Lens", "--slug", "lens", "--insee", LENS,
                 "--move-communes", "--admin-email", ADMIN, stdout=StringIO())  # fmt: skip
    assert City.objects.get(slug="lens").commune_codes == [LENS]


def test_the_command_exits_non_zero_with_one_line_on_a_bad_list():
    """The real process: a malformed code in --communes is one line on stderr, no traceback."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tremplin.settings.base"}
    completed = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "onboard_city", "--name", "X", "--slug",
         "xx-x", "--communes", "62498,6249", "--admin-email", "a@b.test"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode != 0
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "communes" in lines[0], completed.stderr


def test_two_onboardings_racing_for_one_commune_make_one_tenant(committed):
    """The first holds its new claim (inserted, not committed) when the second arrives: the
    second's insert waits on the unique index, then answers 409 naming the first."""
    inside, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                onboard(name="Sevran", slug="sevran", insee="93071")
                inside.set()
                release.wait(20)
            outcome["first"] = "created"
        except BaseException as exc:  # reported below
            outcome["first"] = exc
            inside.set()
        finally:
            connection.close()

    def second() -> None:
        try:
            onboard(name="Sevran bis", slug="sevran-bis", insee="93071")
            outcome["second"] = "created"
        except BaseException as exc:
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        threads[0].start()
        assert inside.wait(20)
        threads[1].start()
        wait_until_a_query_waits_for_a_lock()
        release.set()
        for thread in threads:
            thread.join(30)
    finally:
        release.set()
    assert outcome["first"] == "created", outcome
    assert isinstance(outcome["second"], Conflict), outcome
    assert outcome["second"].code == "commune_covered"
    assert outcome["second"].fields["existing_slug"] == ["sevran"]
    assert list(CityCommune.objects.filter(insee="93071").values_list("city__slug", flat=True)) == [
        "sevran"
    ]
    assert not City.objects.filter(slug="sevran-bis").exists()
