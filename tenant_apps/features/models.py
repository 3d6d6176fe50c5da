"""The city's own switch for a feature the operator allowed (tenants.features has the rules)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeatureSetting(models.Model):
    key = models.CharField(_("fonctionnalité"), max_length=40, unique=True)
    enabled = models.BooleanField(_("activée"), default=False)
    updated_by = models.CharField(max_length=254, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("réglage de fonctionnalité")

    def __str__(self) -> str:
        return f"{self.key}={'on' if self.enabled else 'off'}"
