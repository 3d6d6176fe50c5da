"""The operator's fleet view: each city's latest usage line (public schema only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tenants.models import City

from .models import CityUsage

SMALL = 10


@dataclass(frozen=True)
class FleetRow:
    city: City
    day: date | None
    active_youth: int | str | None  # "<10" under the diagnostic's threshold
    published_offers: int | None
    last_staff_activity: datetime | None


def fleet_rows(*, cities: list[City]) -> list[FleetRow]:
    """Latest CityUsage per city, in one query."""
    latest = {
        u.city_id: u
        for u in CityUsage.objects.filter(city__in=cities)
        .order_by("city_id", "-day")
        .distinct("city_id")
    }
    rows = []
    for city in cities:
        usage = latest.get(city.pk)
        if usage is None:
            rows.append(FleetRow(city, None, None, None, None))
            continue
        active = usage.active_youth
        rows.append(
            FleetRow(
                city=city,
                day=usage.day,
                active_youth="<10" if 0 < active < SMALL else active,
                published_offers=usage.published_offers,
                last_staff_activity=usage.last_staff_activity,
            )
        )
    return rows
