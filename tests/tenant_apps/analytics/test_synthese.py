"""The one-page synthèse for elected officials: figures and trends from the rollups with the
page's privacy rule, the PDF (one A4 page, French dates), who may download it."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kernel.clock import local_today
from kernel.dates import french_date

from shared_apps.accounts.models import Role
from tenant_apps.analytics import rollups
from tenant_apps.analytics.models import Period
from tenant_apps.analytics.privacy import SUPPRESSED
from tenant_apps.analytics.synthese import flow_trend, stock_trend, synthese, year_months
from tenant_apps.youth.models import Neighbourhood
from tenants.context import in_city

from .conftest import add_events, people

URL = "/staff/diagnostic/synthese.pdf"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _searchers(city, month, n: int, prefix: str) -> list[dict]:
    when = datetime(month.year, month.month, 10, 12, tzinfo=UTC)
    return [
        dict(at=when, kind="search", pseudonym=p, neighbourhood="nord", query="permis", results=3)
        for p in people(n, prefix)
    ]


@pytest.fixture
def a_year_of_searches(grigny):
    """20 young people searched in the first month of the year, 4 in the sixth, 30 in the last."""
    months = year_months(local_today())
    with in_city(grigny):
        Neighbourhood.objects.create(code="nord", name="Nord", is_qpv=True)
    rows = _searchers(grigny, months[0], 20, "a") + _searchers(grigny, months[5], 4, "b")
    rows += _searchers(grigny, months[11], 30, "c")
    add_events(grigny, rows)
    with in_city(grigny):
        for month in (months[0], months[5], months[11]):
            rollups.rollup_period(period=Period.MONTH, day=month)
    return months


def _figure(data: dict, key: str):
    return next(f for f in data["figures"] if f.headline.key == key)


def test_five_figures_month_by_month_with_the_pages_suppression(grigny, a_year_of_searches):
    months = a_year_of_searches
    with in_city(grigny):
        data = synthese(today=local_today())
    assert [f.headline.key for f in data["figures"]] == [
        "registered", "searchers", "registrations", "claims", "unclaimed_euros",
    ]  # fmt: skip
    searchers = _figure(data, "searchers")
    assert searchers.months[0] == 20 and searchers.months[11] == 30
    assert searchers.months[5] == SUPPRESSED  # 4 young people: never shown, never added
    assert searchers.value == "50"
    assert searchers.trend.startswith("En hausse de 50\u00a0%")
    assert [b["hidden"] for b in searchers.bars].count(True) == 1
    assert (data["first"], data["last"].month) == (months[0], months[11].month)
    assert _figure(data, "registrations").trend == "Rien à signaler sur l'année."


def test_trends_are_said_only_between_published_sums():
    assert flow_trend([20, 0, 0], [0, 0, 10]).startswith("En baisse de 50")
    assert flow_trend([20, SUPPRESSED, 0], [0, 0, 30]).startswith("Trop peu")
    assert flow_trend([0, 0, 0], [0, 0, 40]).startswith("Pas de point")
    assert flow_trend([100, 0, 0], [0, 0, 102]).startswith("Stable")
    # A stock compares today's reading with the one a year before, when there was one.
    assert stock_trend(40, 80) == "En hausse de 100\u00a0% (contre 40 il y a un an)."
    assert stock_trend(None, 80).startswith("Pas encore de point de comparaison")
    assert stock_trend(SUPPRESSED, 80).startswith("Trop peu")


def test_stocks_are_read_today_like_the_page(grigny):
    """Registered young people: today's snapshot (the page's figure), compared a year back."""
    from datetime import date, timedelta

    from tenant_apps.analytics.rollups import population_snapshot
    from tests.tenant_apps.youth.factories import make_youth

    today = local_today()
    with in_city(grigny):
        for i in range(12):
            make_youth(f"stock{i}@exemple.fr", birth_date=date(2004, 6, 1))
        population_snapshot(day=today)
        data = synthese(today=today)
    registered = _figure(data, "registered")
    assert registered.value == "12"
    assert registered.trend.startswith("Pas encore de point de comparaison")
    assert all(bar["missing"] for bar in registered.bars)  # no snapshot in the past months
    with in_city(grigny):
        population_snapshot(day=today - timedelta(days=400))
        data = synthese(today=today)
    # The same 12 counted in an old snapshot (one read before a year ago counts as a year ago).
    assert _figure(data, "registered").trend == "Stable (contre 12 il y a un an)."


def test_viewers_download_a_one_page_pdf_in_french(grigny, signed_in, a_year_of_searches):
    from pypdf import PdfReader

    response = signed_in(grigny, Role.VIEWER).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "synthese.pdf").write_bytes(response.content)  # to look at after a run
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Grigny" in text
    assert f"Du {french_date(a_year_of_searches[0])}" in text  # "Du 1er décembre 2025 au …"
    assert "50" in text and "recherches de jeunes" in text


def test_a_youth_a_partner_and_another_city_cannot_get_it(
    grigny, gennevilliers, signed_in, client_for
):
    assert client_for(grigny).get(URL).status_code == 302  # anonymous → sign-in
    assert signed_in(grigny, Role.YOUTH).get(URL).status_code == 403
    assert signed_in(grigny, Role.PARTNER).get(URL).status_code == 403
    # A Gennevilliers official's session means nothing on Grigny's host.
    other = signed_in(gennevilliers, Role.VIEWER)
    assert other.get(URL)["Content-Type"] == "application/pdf"  # their own city's
    intruder = client_for(grigny)
    intruder.cookies = other.cookies
    response = intruder.get(URL)
    assert response.status_code == 302 and response["Content-Type"] != "application/pdf"


def test_each_city_reads_only_its_own_figures(grigny, gennevilliers, a_year_of_searches):
    with in_city(gennevilliers):
        data = synthese(today=local_today())
    assert _figure(data, "searchers").value == "0"
