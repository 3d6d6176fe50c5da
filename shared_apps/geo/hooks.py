"""Onboarding hooks (tenants.hooks): the INSEE code names a commune, whose figures the new
City row copies (département, région, EPCI, population, postcodes)."""

from __future__ import annotations

from tenants import hooks
from tenants.models import City

from .communes import commune_get


def insee_validate(request: hooks.CityRequest) -> hooks.FieldErrors:
    if commune_get(request.insee) is None:
        return {"insee": [f"Aucune commune ne porte le code INSEE {request.insee}."]}
    return {}


def city_prepare(city: City, request: hooks.CityRequest) -> None:
    commune = commune_get(city.insee)
    if commune is None:  # refused by insee_validate already
        return
    city.departement = commune.departement
    city.region = commune.region
    city.epci = commune.epci or ""
    city.population = commune.population
    city.postal_codes = list(commune.postal_codes)


def register() -> None:
    hooks.validate.register("geo.insee", insee_validate, order=10)
    hooks.prepare.register("geo.commune", city_prepare, order=10)
