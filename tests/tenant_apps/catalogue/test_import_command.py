"""import_catalogue: one file into the catalogue of the one city named, nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tenant_apps.catalogue.models import Offer
from tenants.context import in_city

CSV = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue" / "offres.csv"


def test_the_file_lands_in_the_city_named_only(grigny, gennevilliers, capsys):
    call_command("import_catalogue", str(CSV), "--city", "grigny", "--format", "csv")
    assert capsys.readouterr().out.startswith("2 créé(s), 0 mis à jour, 0 inchangé(s), 3 rejeté(s)")
    with in_city(grigny):
        assert Offer.objects.filter(source="csv").count() == 2
    with in_city(gennevilliers):
        assert not Offer.objects.filter(source="csv").exists()


def test_an_unknown_city_is_refused(db):
    with pytest.raises(CommandError, match="Ville inconnue"):
        call_command("import_catalogue", str(CSV), "--city", "nulle-part", "--format", "csv")
