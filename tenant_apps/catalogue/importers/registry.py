"""The importers a city's staff can run on an uploaded file (format key → label, function).

Each function takes `data: bytes`, `publish: bool` and `progress`, runs in the current city's
schema and returns an ImportReport.
"""

from __future__ import annotations

from collections.abc import Callable

from .aides_jeunes import import_aides_jeunes_upload
from .base import ImportReport
from .csv_template import import_csv
from .datainclusion import import_datainclusion
from .events import import_ics, import_openagenda

IMPORTERS: dict[str, tuple[str, Callable[..., ImportReport]]] = {
    "csv": ("Modèle CSV de Tremplin", import_csv),
    "ics": ("Agenda iCalendar (.ics)", import_ics),
    "openagenda": ("Export OpenAgenda (JSON)", import_openagenda),
    "datainclusion": ("Structures et services data·inclusion (JSON)", import_datainclusion),
    "aides_jeunes": ("Aide au format aides-jeunes (YAML)", import_aides_jeunes_upload),
}


def run_importer(key: str, *, data: bytes, filename: str, publish: bool, progress=None):
    _label, function = IMPORTERS[key]
    if key == "aides_jeunes":
        return function(data=data, filename=filename, publish=publish, progress=progress)
    return function(data=data, publish=publish, progress=progress)
