"""Per-city usage figures (public schema), written by each city's daily analytics rollup so the
operator's fleet view never reads a city's personal data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CityUsage(models.Model):
    city = models.ForeignKey("tenants.City", on_delete=models.CASCADE, related_name="usage_days")
    day = models.DateField(_("jour"))
    active_youth = models.PositiveIntegerField(_("jeunes actifs (30 jours)"), default=0)
    published_offers = models.PositiveIntegerField(_("offres publiées"), default=0)
    last_staff_activity = models.DateTimeField(_("dernière activité des agents"), null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["city", "day"], name="city_usage_per_day")]

    def __str__(self) -> str:
        return f"{self.city_id}@{self.day}"
