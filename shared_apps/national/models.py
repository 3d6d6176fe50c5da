"""The national catalogue: offers that exist for every city (State aids and programmes) or for a
region, département, EPCI or a commune not on Tremplin. One row in the public schema, read by
every city through its search_path; each city hides, pins or annotates them in its own schema
(tenant_apps.catalogue.models.NationalOfferSetting).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shared_apps.offers.models import (
    AbstractImportRun,
    AbstractOffer,
    offer_constraints,
    offer_indexes,
)


class Scope(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Régional")
    DEPARTEMENTAL = "departemental", _("Départemental")
    EPCI = "epci", _("Intercommunal")
    COMMUNAL = "communal", _("Communal (commune non inscrite sur Tremplin)")


class NationalOffer(AbstractOffer):
    scope = models.CharField(_("portée"), max_length=16, choices=Scope.choices, default="national")
    # Official codes covered, keyed by type (region 93 and département 93 are different places).
    region_codes = models.JSONField(_("régions"), default=list, blank=True)
    departement_codes = models.JSONField(_("départements"), default=list, blank=True)
    epci_codes = models.JSONField(_("EPCI"), default=list, blank=True)
    commune_codes = models.JSONField(_("communes"), default=list, blank=True)

    class Meta:
        verbose_name = _("offre nationale")
        verbose_name_plural = _("offres nationales")
        indexes = offer_indexes("natoffer")
        constraints = offer_constraints("natoffer")

    @property
    def is_national(self) -> bool:
        return True


class NationalImportRun(AbstractImportRun):
    """An import into the national catalogue."""

    class Meta(AbstractImportRun.Meta):
        verbose_name = _("import national")
