"""Distances on the Earth, with one radius for all of them."""

from __future__ import annotations

import math

# The mean Earth radius (IUGG); every distance and degree length below derives from it.
EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180  # ≈ 111.195 km of a great circle
# A bounding box only prefilters (the exact distance is checked on top): 1 % wider than the
# circle, so a point of the circle is never left out by rounding or the sphere's curvature.
BOX_MARGIN = 1.01

Point = tuple[float, float]  # (latitude, longitude) in degrees


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in km."""
    lat_a, lat_b = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def haversine_sql(latitude: str, longitude: str) -> str:
    """SQL for `haversine_km` from a point to the columns; takes 3 params: (lat, lat, lon)."""
    return (
        f"(2 * {EARTH_RADIUS_KM} * asin(sqrt("
        f"power(sin(radians({latitude} - %s) / 2), 2) + cos(radians(%s)) * "
        f"cos(radians({latitude})) * power(sin(radians({longitude} - %s) / 2), 2))))"
    )


def fast_distance_km(a: Point, b: Point) -> float:
    """Equirectangular distance: within 0.5 % of the great circle at a city's scale, and
    several times cheaper (the feed runs it for every offer of the catalogue)."""
    cos_lat = math.cos(math.radians((a[0] + b[0]) / 2))
    return KM_PER_DEGREE * math.hypot(b[0] - a[0], (b[1] - a[1]) * cos_lat)


def bounding_box(center: Point, radius_km: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) around every point within `radius_km`."""
    lat, lon = center
    dlat = radius_km / KM_PER_DEGREE * BOX_MARGIN
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
