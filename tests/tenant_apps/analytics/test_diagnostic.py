"""Rollups, the privacy rule (suppression and differencing), the dashboard, API and export."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from django.core.management import call_command

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.analytics import rollups
from tenant_apps.analytics.models import Period, Rollup
from tenant_apps.analytics.nonrecours import nonrecours_snapshot_take
from tenant_apps.analytics.privacy import SUPPRESSED, publish
from tenant_apps.analytics.selectors import DiagnosticFilters, diagnostic
from tenant_apps.youth.models import Neighbourhood
from tenant_apps.youth.services import profile_update
from tenants.context import in_city
from tenants.features import feature_allow, feature_enable

from ..youth.factories import make_youth
from .conftest import add_events, at, people


def _table(data: dict, table_id: str) -> dict:
    for section in data["sections"]:
        for table in section["tables"]:
            if table["id"] == table_id:
                return table
    raise KeyError(table_id)


def _figure(data: dict, table_id: str, key: str, column: int = 0):
    for row in _table(data, table_id)["rows"]:
        if row["key"] == key:
            return row["values"][column]
    return 0


def _searches(city, nb: str, month: int, query: str, n: int, prefix: str) -> list[dict]:
    return [
        dict(at=at(2025, month), kind="search", pseudonym=p, neighbourhood=nb, query=query,
             results=0)
        for p in people(n, prefix)
    ]  # fmt: skip


@pytest.fixture
def two_neighbourhoods(grigny):
    with in_city(grigny):
        a = Neighbourhood.objects.create(code="nord", name="Nord", is_qpv=True)
        b = Neighbourhood.objects.create(code="sud", name="Sud", is_qpv=False)
    return a, b


def _roll(city, *months: int) -> None:
    with in_city(city):
        for month in months:
            rollups.rollup_period(period=Period.MONTH, day=date(2025, month, 1))


def test_rollups_count_events_and_distinct_young_people(grigny):
    rows = _searches(grigny, "nord", 3, "permis", 12, "a")
    rows += _searches(grigny, "nord", 3, "permis", 1, "a")  # someone searched twice
    add_events(grigny, rows)
    _roll(grigny, 3)
    with in_city(grigny):
        row = Rollup.objects.get(period="month", metric="search", dimension="query", key="permis")
    assert (row.events, row.people, row.neighbourhood) == (13, 12, "nord")


def test_small_cells_are_suppressed_with_a_complement():
    group = ("nord", date(2025, 3, 1))
    figures = publish([(group, "permis", 30), (group, "bafa", 12), (group, "logement", 3)])
    # "logement" alone would be recoverable from a margin: the smallest other cell goes too.
    assert figures == {"permis": 30, "bafa": SUPPRESSED, "logement": SUPPRESSED}
    assert publish([(group, "permis", 30), (group, "bafa", 12)]) == {"permis": 30, "bafa": 12}


def test_differencing_two_filters_never_reveals_a_suppressed_cell(grigny, two_neighbourhoods):
    # 12 young people in Nord and 3 in Sud searched "permis" in March; 11 in Nord in April,
    # and 4 more in Sud in April.
    rows = _searches(grigny, "nord", 3, "permis", 12, "n3")
    rows += _searches(grigny, "sud", 3, "permis", 3, "s3")
    rows += _searches(grigny, "nord", 4, "permis", 11, "n4")
    rows += _searches(grigny, "sud", 4, "permis", 4, "s4")
    add_events(grigny, rows)
    _roll(grigny, 3, 4)
    scopes = {}
    with in_city(grigny):
        for (start, end), nb in itertools.product(
            [(date(2025, 3, 1), date(2025, 3, 31)), (date(2025, 4, 1), date(2025, 4, 30)),
             (date(2025, 3, 1), date(2025, 4, 30))],
            ["", "nord", "sud"],
        ):  # fmt: skip
            data = diagnostic(filters=DiagnosticFilters(start, end, nb))
            scopes[(start, end, nb)] = _figure(data, "searches", "permis")
    assert scopes[(date(2025, 3, 1), date(2025, 3, 31), "sud")] == SUPPRESSED
    assert scopes[(date(2025, 4, 1), date(2025, 4, 30), "sud")] == SUPPRESSED
    numbers = {k: v for k, v in scopes.items() if isinstance(v, int)}

    # Every pair of published figures differs by 0 or by 10 or more: city minus Nord, March+April
    # minus March… never gives the 3 or 4 young people of Sud.
    def contains(big, small) -> bool:
        return big[0] <= small[0] and small[1] <= big[1] and big[2] in ("", small[2])

    for a, b in itertools.permutations(numbers, 2):
        if contains(a, b):
            assert numbers[a] - numbers[b] == 0 or numbers[a] - numbers[b] >= 10, (a, b)
    assert numbers[(date(2025, 3, 1), date(2025, 4, 30), "")] == 23


def _population(city, n_nord: int, n_sud: int) -> None:
    with in_city(city):
        for i in range(n_nord + n_sud):
            user = make_youth(f"p{i}@exemple.fr", birth_date=date(2004, 6, 1))
            profile_update(
                user=user,
                data={
                    "situation": "etudiant" if i % 2 else "demandeur_emploi",
                    "neighbourhood": "nord" if i < n_nord else "sud",
                    "freins": ["mobilite"],
                },
            )
        rollups.population_snapshot(day=date.today())


def test_population_snapshot_feeds_qui_sont_ils_and_freins(grigny, two_neighbourhoods):
    _population(grigny, 12, 3)
    with in_city(grigny):
        data = diagnostic(filters=DiagnosticFilters(date(2025, 1, 1), date.today()))
        sud = diagnostic(filters=DiagnosticFilters(date(2025, 1, 1), date.today(), "sud"))
    who = data["sections"][0]
    assert who["figures"][0]["value"] == 12  # Sud's 3 are left out of the total
    assert who["figures"][1]["value"] == "100 %"
    assert _figure(data, "neighbourhood", "nord") == 12
    assert _figure(data, "neighbourhood", "sud") == SUPPRESSED
    assert _figure(data, "freins", "mobilite") == 12
    assert sud["sections"][0]["figures"][0]["value"] == SUPPRESSED
    assert _figure(sud, "freins", "mobilite") == SUPPRESSED


@pytest.fixture
def staff(grigny, make_user):
    def make(role, city=grigny):
        user = make_user(city, f"{role}-diag@{city.slug}.test", role)
        with in_city(city):
            return user, token_create(user=user)

    return make


def test_dashboard_page_is_for_viewers_and_up(grigny, signed_in, client_for):
    anonymous = client_for(grigny).get("/staff/diagnostic/")
    assert anonymous.status_code == 302
    assert signed_in(grigny, Role.YOUTH).get("/staff/diagnostic/").status_code == 403
    assert signed_in(grigny, Role.PARTNER).get("/staff/diagnostic/").status_code == 403
    viewer = signed_in(grigny, Role.VIEWER)
    page = viewer.get("/staff/diagnostic/?neighbourhood=&from=2025-01-01&to=2025-03-31")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    for title in ("Qui sont-ils ?", "Que cherchent-ils ?", "Quels sont leurs freins ?",
                  "Non-recours", "Engagement"):  # fmt: skip
        assert title in html
    assert "Télécharger" not in html  # the export flag is off
    assert viewer.get("/staff/diagnostic/?to=pas-une-date").status_code == 200
    assert viewer.get("/staff/offres/").status_code == 200
    assert 'href="/staff/diagnostic/"' in viewer.get("/staff/offres/").content.decode()


def test_api_shape_and_roles(grigny, api_for, staff, two_neighbourhoods):
    add_events(grigny, _searches(grigny, "nord", 3, "permis", 12, "n"))
    add_events(grigny, _searches(grigny, "sud", 3, "bafa", 2, "s"))
    _roll(grigny, 3)
    _user, token = staff(Role.VIEWER)
    response = api_for(grigny, token).get(
        "/api/v1/analytics/diagnostic/", {"from": "2025-03-01", "to": "2025-03-31"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"from": "2025-03-01", "to": "2025-03-31", "neighbourhood": None,
                              "population_day": None}  # fmt: skip
    assert [s["id"] for s in body["sections"]] == [
        "qui", "recherches", "freins", "non-recours", "engagement"]  # fmt: skip
    rows = {r["key"]: r["values"][0] for r in _table(body, "searches")["rows"]}
    assert rows == {"permis": 12, "bafa": "<10"}
    _youth, youth_token = staff(Role.YOUTH)
    assert api_for(grigny, youth_token).get("/api/v1/analytics/diagnostic/").status_code == 403
    assert api_for(grigny).get("/api/v1/analytics/diagnostic/").status_code in (401, 403)
    bad = api_for(grigny, token).get("/api/v1/analytics/diagnostic/", {"neighbourhood": "zzz"})
    assert bad.status_code == 400 and "neighbourhood" in bad.json()["error"]["fields"]


def test_gennevilliers_staff_never_see_grigny_figures(grigny, gennevilliers, api_for, staff):
    add_events(grigny, _searches(grigny, "", 3, "permis", 15, "g"))
    _roll(grigny, 3)
    _user, token = staff(Role.ADMIN, city=gennevilliers)
    params = {"from": "2025-03-01", "to": "2025-03-31"}
    body = api_for(gennevilliers, token).get("/api/v1/analytics/diagnostic/", params).json()
    assert _table(body, "searches")["rows"] == []
    _user, grigny_token = staff(Role.ADMIN)
    assert (
        api_for(gennevilliers, grigny_token).get("/api/v1/analytics/diagnostic/").status_code == 401
    )


def test_csv_export_is_gated_and_holds_no_personal_data(grigny, signed_in, two_neighbourhoods):
    _population(grigny, 12, 0)
    add_events(grigny, _searches(grigny, "nord", 3, "permis", 12, "n"))
    _roll(grigny, 3)
    viewer = signed_in(grigny, Role.VIEWER)
    url = "/staff/diagnostic/export.csv?from=2025-03-01&to=2025-03-31"
    assert viewer.get(url).status_code == 403
    feature_allow(city=grigny, key="diagnostic_export", allowed=True, by="ops")
    feature_enable(city=grigny, key="diagnostic_export", enabled=True, by="admin")
    response = viewer.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "rubrique;tableau;ligne;colonne;valeur"
    assert "permis;Jeunes;12" in text
    page = viewer.get("/staff/diagnostic/?from=2025-03-01&to=2025-03-31").content.decode()
    with in_city(grigny):
        from shared_apps.accounts.models import User

        youth = list(User.objects.filter(role=Role.YOUTH).values_list("email", flat=True))
    assert len(youth) == 12
    for output in (text, page):
        assert not re.search(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", output if output is text else "")
        assert not re.search(r"\b[0-9a-f]{32}\b", output)  # no pseudonym
        for email in youth:
            assert email not in output


def test_backfill_command_rebuilds_rollups(grigny, capsys):
    add_events(grigny, _searches(grigny, "", 3, "permis", 10, "b"))
    call_command("analytics_backfill", "--city", "grigny", "--from", "2025-03-01")
    with in_city(grigny):
        assert Rollup.objects.filter(period="day", start=date(2025, 3, 10)).exists()
        assert Rollup.objects.filter(period="week", metric="active").exists()
        assert Rollup.objects.get(period="month", dimension="query", key="permis").people == 10
    assert "grigny:" in capsys.readouterr().out
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("analytics_backfill", "--from", "hier")
    with pytest.raises(Exception, match="Unknown city"):
        call_command("analytics_backfill", "--city", "nulle-part")


def test_non_recours_and_saves(grigny, two_neighbourhoods):
    from django.utils import timezone

    from tenant_apps.portal.models import Save
    from tests.tenant_apps.catalogue.factories import make_offer

    with in_city(grigny):
        aid = make_offer(kind="aide", title="Aide au permis de conduire")
    _population(grigny, 12, 0)  # the aid has no condition: all 12 are eligible
    today = timezone.localdate()
    with in_city(grigny):
        nonrecours_snapshot_take(city=grigny, day=today)
    now = timezone.now()
    rows = [dict(at=now, kind="view", pseudonym=p, neighbourhood="nord", offer_id=aid.pk,
                 offer_kind="aide") for p in people(11, "v")]  # fmt: skip
    rows += [dict(at=now, kind="apply", pseudonym=p, neighbourhood="nord", offer_id=aid.pk)
             for p in people(4, "v")]  # fmt: skip
    add_events(grigny, rows)
    with in_city(grigny):
        from shared_apps.accounts.models import User

        for user in User.objects.filter(role=Role.YOUTH):
            Save.objects.create(user=user, offer_id=aid.pk)
        rollups.rollup_period(period=Period.MONTH, day=today)
        data = diagnostic(filters=DiagnosticFilters(today, today))
    assert _table(data, "nonrecours")["columns"] == [
        "Y ont droit", "Ont ouvert la fiche", "L'ont demandée"]  # fmt: skip
    row = next(r for r in _table(data, "nonrecours")["rows"] if r["key"] == str(aid.pk))
    assert row["values"] == [12, 11, SUPPRESSED]
    assert _figure(data, "saved", str(aid.pk)) == 12
