"""The diagnostic of a territory, filtered by commune: the figures of that commune's
quartiers only (each published by the privacy rule already); another city's staff see none."""

from __future__ import annotations

from datetime import date

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.analytics import rollups
from tenant_apps.analytics.models import Period
from tenant_apps.analytics.selectors import DiagnosticFilters, diagnostic
from tenants.context import in_city

from ..territory import LENS, LENS_QPV, LIEVIN
from .conftest import add_events, at, people


def _searches(nb: str, query: str, n: int, prefix: str) -> list[dict]:
    return [
        dict(at=at(2025, 3), kind="search", pseudonym=p, neighbourhood=nb, query=query, results=0)
        for p in people(n, prefix)
    ]


def _searches_table(data: dict) -> dict:
    for section in data["sections"]:
        for table in section["tables"]:
            if table["id"] == "searches":
                return {row["key"]: row["values"][0] for row in table["rows"]}
    raise KeyError("searches")


def _territory_activity(city) -> None:
    add_events(city, _searches(LENS_QPV, "permis", 12, "a"))
    add_events(city, _searches(f"hors-qpv-{LENS}", "permis", 11, "b"))
    add_events(city, _searches(f"hors-qpv-{LIEVIN}", "bafa", 12, "c"))
    with in_city(city):
        rollups.rollup_period(period=Period.MONTH, day=date(2025, 3, 1))


def test_a_commune_filter_adds_up_its_own_quartiers(lens_lievin):
    _territory_activity(lens_lievin)
    start, end = date(2025, 3, 1), date(2025, 3, 31)
    with in_city(lens_lievin):
        whole = diagnostic(filters=DiagnosticFilters(start, end))
        lens = diagnostic(filters=DiagnosticFilters(start, end, commune=LENS))
        lievin = diagnostic(filters=DiagnosticFilters(start, end, commune=LIEVIN))
    assert _searches_table(whole) == {"permis": 23, "bafa": 12}
    assert _searches_table(lens) == {"permis": 23}
    assert _searches_table(lievin) == {"bafa": 12}
    assert lens["period"]["commune"] == LENS and "commune" not in whole["period"]


def test_the_api_and_page_filter_by_commune_and_refuse_another(
    lens_lievin,
    grigny,
    api_for,
    make_user,
    client_for,
):
    _territory_activity(lens_lievin)
    viewer = make_user(lens_lievin, "elu@lens-lievin.test", Role.VIEWER)
    with in_city(lens_lievin):
        token = token_create(user=viewer)
    api = api_for(lens_lievin, token)
    period = {"from": "2025-03-01", "to": "2025-03-31"}
    body = api.get("/api/v1/analytics/diagnostic/", {**period, "commune": LIEVIN}).json()
    assert _searches_table(body) == {"bafa": 12}
    refused = api.get("/api/v1/analytics/diagnostic/", {**period, "commune": "91286"})
    assert refused.status_code == 400 and "commune" in refused.json()["error"]["fields"]
    client = client_for(lens_lievin)
    with in_city(lens_lievin):
        client.force_login(viewer)
    page = client.get("/staff/diagnostic/", {**period, "commune": LENS}).content.decode()
    assert f'<option value="{LENS}" selected>Lens</option>' in page
    # Grigny is one commune: no commune filter, and Lens-Liévin's figures are not its own.
    elu = make_user(grigny, "elu@grigny.test", Role.VIEWER)
    with in_city(grigny):
        grigny_token = token_create(user=elu)
    other = api_for(grigny, grigny_token).get("/api/v1/analytics/diagnostic/", period).json()
    assert _searches_table(other) == {}
    assert (
        api_for(grigny, grigny_token)
        .get("/api/v1/analytics/diagnostic/", {**period, "commune": LENS})
        .status_code
        == 400
    )
    assert api_for(grigny, token).get("/api/v1/analytics/diagnostic/", period).status_code in (
        401, 403,
    )  # fmt: skip
