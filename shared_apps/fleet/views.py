"""/console/flotte/: per city, active young people, published offers, last staff activity and
plan, from the usage table each city's nightly rollup fills (never from personal data)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shared_apps.console.billing import billing_summary
from shared_apps.console.views import operator_required
from tenants.models import City

from .selectors import fleet_rows


@operator_required
def fleet(request: HttpRequest) -> HttpResponse:
    cities = list(City.objects.order_by("name"))
    rows = [(row, billing_summary(row.city)) for row in fleet_rows(cities=cities)]
    return render(request, "fleet/fleet.html", {"rows": rows})
