"""What youth adds to onboarding (tenants.hooks): the new city's neighbourhoods (the QPV of
each of its communes and "outside QPV"), which young people pick in their profile."""

from __future__ import annotations

from tenants import hooks

from .services import neighbourhoods_seed


def neighbourhoods_seed_hook(seeding: hooks.CitySeed) -> None:
    neighbourhoods_seed(communes=seeding.city.commune_codes)


def register() -> None:
    hooks.seed.register("youth.neighbourhoods", neighbourhoods_seed_hook, order=20)
