"""Onboarding hooks (tenants.hooks): the INSEE codes name communes, whose figures the new
City row sums up (département and région of the default commune, EPCI when they share one,
population, postcodes); and the communes of an EPCI, for onboarding by EPCI code."""

from __future__ import annotations

from tenants import hooks
from tenants.models import City

from .communes import commune_get, epci_communes


class _Reference:
    """The communes reference as tenants.hooks.CommunesReference."""

    def epci_communes(self, epci: str) -> list[str] | None:
        return epci_communes(epci)


def insee_validate(request: hooks.CityRequest) -> hooks.FieldErrors:
    unknown = [code for code in request.commune_codes if commune_get(code) is None]
    if not unknown:
        return {}
    if len(unknown) == 1:
        return {request.territory_field: [f"Aucune commune ne porte le code INSEE {unknown[0]}."]}
    codes = ", ".join(unknown[:10])
    return {request.territory_field: [f"Aucune commune ne porte ces codes INSEE : {codes}."]}


def city_prepare(city: City, request: hooks.CityRequest | None = None) -> None:
    """Fill the row from its communes (`city.communes`, the default first)."""
    communes = [c for c in map(commune_get, city.commune_codes) if c is not None]
    if not communes:  # refused by insee_validate already
        return
    first = communes[0]
    city.departement = first.departement
    city.region = first.region
    epcis = {c.epci for c in communes}
    city.epci = first.epci if len(epcis) == 1 and first.epci else ""
    city.population = sum(c.population for c in communes)
    postal_codes: list[str] = []
    for commune in communes:
        postal_codes += [p for p in commune.postal_codes if p not in postal_codes]
    city.postal_codes = postal_codes


def register() -> None:
    hooks.validate.register("geo.insee", insee_validate, order=10)
    hooks.prepare.register("geo.commune", city_prepare, order=10)
    hooks.territory.register("geo.commune", city_prepare, order=10)
    hooks.communes_reference_register(_Reference())
