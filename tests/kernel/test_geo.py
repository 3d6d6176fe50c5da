"""Distances: one Earth radius; the fast distance stays close to the great circle; the bounding
box never leaves out a point of its circle; the SQL distance is the Python one."""

from __future__ import annotations

import math

import pytest
from django.db import connection
from kernel.geo import (
    EARTH_RADIUS_KM,
    KM_PER_DEGREE,
    bounding_box,
    fast_distance_km,
    haversine_km,
    haversine_sql,
)

PARIS = (48.8566, 2.3522)
LYON = (45.7640, 4.8357)
GRIGNY = (48.6542, 2.3931)


def _destination(start: tuple[float, float], km: float, bearing: float) -> tuple[float, float]:
    """The point `km` away from `start` in direction `bearing` (degrees), on the sphere."""
    lat, lon, theta, d = (*map(math.radians, start), math.radians(bearing), km / EARTH_RADIUS_KM)
    lat2 = math.asin(math.sin(lat) * math.cos(d) + math.cos(lat) * math.sin(d) * math.cos(theta))
    lon2 = lon + math.atan2(
        math.sin(theta) * math.sin(d) * math.cos(lat), math.cos(d) - math.sin(lat) * math.sin(lat2)
    )
    return math.degrees(lat2), math.degrees(lon2)


def test_haversine_paris_lyon():
    assert haversine_km(PARIS, LYON) == pytest.approx(392, abs=1)
    assert haversine_km(PARIS, PARIS) == 0
    assert pytest.approx(111.195, abs=1e-3) == KM_PER_DEGREE


@pytest.mark.parametrize("km", [0.5, 3, 10, 30])
@pytest.mark.parametrize("bearing", [0, 45, 90, 135, 180, 270])
def test_fast_distance_is_within_half_a_percent_at_a_citys_scale(km, bearing):
    other = _destination(GRIGNY, km, bearing)
    assert fast_distance_km(GRIGNY, other) == pytest.approx(haversine_km(GRIGNY, other), rel=5e-3)


@pytest.mark.parametrize("center", [GRIGNY, (51.05, 2.37), (-21.1, 55.5), (16.25, -61.58)])
@pytest.mark.parametrize("km", [1, 10, 100, 1000])
def test_the_bounding_box_holds_its_whole_circle(center, km):
    lat_min, lat_max, lon_min, lon_max = bounding_box(center, km)
    for bearing in range(0, 360, 5):
        lat, lon = _destination(center, km, bearing)
        assert lat_min <= lat <= lat_max and lon_min <= lon <= lon_max, bearing
    # …and stays a close fit (it is an index prefilter).
    assert lat_max - lat_min < 2 * km / KM_PER_DEGREE * 1.02


def test_the_sql_distance_is_the_python_one(db):
    sql = haversine_sql("p.latitude", "p.longitude")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql} FROM (VALUES (%s::float8, %s::float8)) AS p(latitude, longitude)",
            [PARIS[0], PARIS[0], PARIS[1], *LYON],
        )
        assert cursor.fetchone()[0] == pytest.approx(haversine_km(PARIS, LYON), rel=1e-9)
