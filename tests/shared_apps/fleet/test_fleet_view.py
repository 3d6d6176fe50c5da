"""The operator's fleet view: per-city counts from the nightly rollup, operators only."""

from __future__ import annotations

from datetime import date

from shared_apps.accounts.models import Role
from shared_apps.fleet.models import CityUsage
from tenant_apps.analytics.models import Event
from tenant_apps.analytics.tasks import city_rollup
from tenants.context import in_city
from tests.tenant_apps.analytics.conftest import people
from tests.tenant_apps.catalogue.factories import make_offer


def test_nightly_rollup_fills_the_fleet_view(grigny, gennevilliers, client_for, operator,
                                             make_user):  # fmt: skip
    from django.utils import timezone

    today = timezone.localdate()
    with in_city(grigny):
        make_offer()
        make_offer()
        Event.objects.bulk_create(
            [Event(at=timezone.now(), kind="view", pseudonym=p) for p in people(12, "f")]
        )
        city_rollup(city=grigny, day=today, snapshot=True)
    with in_city(gennevilliers):
        city_rollup(city=gennevilliers, day=today, snapshot=True)
    usage = CityUsage.objects.get(city=grigny, day=today)
    assert (usage.active_youth, usage.published_offers) == (12, 2)
    assert CityUsage.objects.get(city=gennevilliers, day=today).active_youth == 0

    client = client_for("localhost")
    client.force_login(operator)
    page = client.get("/console/flotte/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Grigny" in html and "Gennevilliers" in html and "<td>12</td>" in html
    assert "@" not in html.split("<main", 1)[1].split("</table>")[0]


def test_fleet_view_is_for_operators_on_the_platform_host(grigny, client_for, make_user):
    assert client_for("localhost").get("/console/flotte/").status_code == 302
    staff = make_user(None, "not-an-operator@tremplin.test", Role.VIEWER)
    client = client_for("localhost")
    client.force_login(staff)
    assert client.get("/console/flotte/").status_code == 403
    assert client_for(grigny).get("/console/flotte/").status_code == 404
    assert date.today()
