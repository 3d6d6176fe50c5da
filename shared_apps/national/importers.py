"""The national catalogue's importers, registered by the app that owns each one.

An aides-jeunes import fills the national catalogue and, for a communal aid of a commune on
Tremplin, that city's own catalogue: the importer lives in tenant_apps.catalogue, which
registers it here from its AppConfig.ready(). The national app never imports a city app.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from shared_apps.offers.runs import Report

AIDES_JEUNES = "aides_jeunes"

# importer(path=..., institutions_dir=None, progress=None) -> report
Importer = Callable[..., Report]

_importers: dict[str, Importer] = {}


def national_importer_register(key: str, importer: Importer) -> None:
    _importers[key] = importer


def national_importer(key: str) -> Importer:
    try:
        return _importers[key]
    except KeyError:
        raise ImproperlyConfigured(
            f"No national importer {key!r}: install tenant_apps.catalogue (it registers it)."
        ) from None
