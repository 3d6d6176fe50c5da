"""Event attendance in the diagnostic's Engagement section: rollup, suppression, page, API,
CSV export."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.analytics import rollups
from tenant_apps.analytics.models import Figure, Period
from tenant_apps.analytics.privacy import SUPPRESSED
from tenant_apps.analytics.selectors import DiagnosticFilters, diagnostic
from tenant_apps.catalogue.models import Offer
from tenant_apps.portal import services
from tenant_apps.youth.models import Neighbourhood
from tenant_apps.youth.services import profile_update
from tenants.context import in_city
from tenants.features import feature_allow, feature_enable
from tests.tenant_apps.catalogue.factories import make_offer

from ..youth.factories import make_youth


def _table(data: dict, table_id: str) -> dict:
    for section in data["sections"]:
        for table in section["tables"]:
            if table["id"] == table_id:
                return table
    raise KeyError(table_id)


def _figures(data: dict) -> dict:
    engagement = next(s for s in data["sections"] if s["id"] == "engagement")
    return {f["label"]: f["value"] for f in engagement["figures"]}


@pytest.fixture
def attendance(grigny, make_user):
    """Nord: 15 registered, 12 present. Sud: 4 registered, 3 present. Rolled up today."""
    with in_city(grigny):
        Neighbourhood.objects.create(code="nord", name="Nord", is_qpv=True)
        Neighbourhood.objects.create(code="sud", name="Sud", is_qpv=False)
    admin = make_user(grigny, "admin-presences@grigny.test", Role.ADMIN)
    with in_city(grigny):
        event = make_offer(kind="evenement", title="Forum jobs d'été",
                           starts_at=timezone.now() + timedelta(days=1))  # fmt: skip
        registrations = []
        for nb, n in (("nord", 15), ("sud", 4)):
            for j in range(n):
                user = make_youth(f"{nb}{j}@exemple.fr", birth_date=date(2004, 6, 1))
                profile_update(user=user, data={"neighbourhood": nb})
                registrations.append(
                    (nb, j, services.registration_create(user=user, offer_id=event.pk))
                )
        Offer.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=1))
        for nb, j, registration in registrations:
            if j < (12 if nb == "nord" else 3):
                services.registration_mark_attendance(
                    registration=registration, by=admin, attended=True
                )
        today = timezone.localdate()
        for period in (Period.WEEK, Period.MONTH):
            rollups.rollup_period(period=period, day=today)
    return today


def test_attendance_is_rolled_up_and_published_with_suppression(grigny, attendance):
    today = attendance
    week = today - timedelta(days=today.weekday())
    with in_city(grigny):
        city = diagnostic(filters=DiagnosticFilters(today, today))
        sud = diagnostic(filters=DiagnosticFilters(today, today, "sud"))
        nord = diagnostic(filters=DiagnosticFilters(today, today, "nord"))
        assert Figure.objects.filter(period="week", metric="attend", scope="nord").exists()
    assert _figures(city)["Inscriptions à des événements"] == 15
    assert _figures(city)["Jeunes présents à un événement"] == 12  # Sud's 3 are left out
    assert _figures(sud)["Jeunes présents à un événement"] == SUPPRESSED
    assert _figures(sud)["Inscriptions à des événements"] == SUPPRESSED
    table = _table(city, "events_weekly")
    assert table["columns"] == ["Inscrits", "Présents"]
    assert [(r["key"], r["values"]) for r in table["rows"]] == [(week.isoformat(), [15, 12])]
    assert _table(sud, "events_weekly")["rows"][0]["values"] == [SUPPRESSED, SUPPRESSED]
    # Differencing city minus Nord reveals nothing about Sud.
    assert _table(nord, "events_weekly")["rows"][0]["values"] == [15, 12]


def test_unmarking_drops_out_of_the_next_rollup(grigny, attendance, make_user):
    from tenant_apps.portal.models import Registration

    admin = make_user(grigny, "other-admin@grigny.test", Role.ADMIN)
    today = attendance
    with in_city(grigny):
        present = Registration.objects.filter(
            attended_at__isnull=False, user__email__startswith="nord"
        ).order_by("position")
        for registration in present[:3]:
            services.registration_mark_attendance(
                registration=registration, by=admin, attended=False
            )
        rollups.rollup_period(period=Period.MONTH, day=today)
        data = diagnostic(filters=DiagnosticFilters(today, today))
    # 9 left in Nord: below the threshold, so the city figure has nothing published behind it.
    assert _figures(data)["Jeunes présents à un événement"] == SUPPRESSED


def test_attendance_in_the_api_the_page_and_the_csv(
    grigny, attendance, api_for, signed_in, make_user
):
    today = attendance
    viewer = make_user(grigny, "viewer-presences@grigny.test", Role.VIEWER)
    with in_city(grigny):
        token = token_create(user=viewer)
    params = {"from": today.isoformat(), "to": today.isoformat()}
    body = api_for(grigny, token).get("/api/v1/analytics/diagnostic/", params).json()
    assert _figures(body)["Jeunes présents à un événement"] == 12
    assert _table(body, "events_weekly")["rows"][0]["values"] == [15, 12]
    sud = (
        api_for(grigny, token)
        .get("/api/v1/analytics/diagnostic/", {**params, "neighbourhood": "sud"})
        .json()
    )
    assert _table(sud, "events_weekly")["rows"][0]["values"] == ["<10", "<10"]

    client = signed_in(grigny, Role.ADMIN)
    query = f"from={today.isoformat()}&to={today.isoformat()}"
    page = client.get(f"/staff/diagnostic/?{query}").content.decode()
    assert "Événements : inscrits et présents par semaine" in page
    assert "Jeunes présents à un événement" in page
    feature_allow(city=grigny, key="diagnostic_export", allowed=True, by="ops")
    feature_enable(city=grigny, key="diagnostic_export", enabled=True, by="admin")
    text = client.get(f"/staff/diagnostic/export.csv?{query}").content.decode("utf-8-sig")
    assert "Engagement;;Jeunes présents à un événement;;12" in text
    assert "Engagement;Événements : inscrits et présents par semaine;Semaine du" in text
    assert ";Présents;12" in text
    text_sud = client.get(f"/staff/diagnostic/export.csv?{query}&neighbourhood=sud").content
    assert "Jeunes présents à un événement;;<10" in text_sud.decode("utf-8-sig")
    assert "@exemple.fr" not in text and "@exemple.fr" not in page
