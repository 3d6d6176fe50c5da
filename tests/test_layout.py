"""Guards on the project's shape that, once broken, break everything else."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_platform_folder_is_not_a_package():
    assert (ROOT / "platform" / "tremplin").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


@pytest.mark.django_db
def test_import_platform_is_the_standard_library_module():
    import platform
    import uuid

    import django.conf

    assert django.conf.settings.configured
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(platform.__file__).resolve().parent == stdlib
    assert platform.system() == "Linux" or sys.platform != "linux"
    assert uuid.uuid4()  # uuid calls platform.system() on import


def test_situation_codes_are_the_same_everywhere():
    """Offers' audience and young people's profiles speak the same DESIGN.md situations."""
    from tenant_apps.catalogue.models import Situation as OfferSituation
    from tenant_apps.matching.eligibility import SITUATIONS
    from tenant_apps.youth.choices import Situation as YouthSituation

    assert set(OfferSituation.values) == set(YouthSituation.values) == set(SITUATIONS)
