"""A city's visual identity. One row per city schema."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .colors import AA_CONTRAST, WHITE, contrast_ratio, is_hex_color


def validate_brand_color(value: str) -> None:
    if not is_hex_color(value):
        raise ValidationError(_("Indique une couleur au format #RRGGBB."))
    if contrast_ratio(value, WHITE) < AA_CONTRAST:
        raise ValidationError(
            _("Cette couleur est trop claire : le texte blanc n'y serait pas lisible.")
        )


class Branding(models.Model):
    singleton = models.BooleanField(default=True, unique=True, editable=False)
    display_name = models.CharField(_("nom affiché"), max_length=120)
    primary_color = models.CharField(
        _("couleur principale"), max_length=7, validators=[validate_brand_color]
    )
    secondary_color = models.CharField(
        _("couleur secondaire"), max_length=7, validators=[validate_brand_color]
    )
    welcome_text = models.TextField(_("texte d'accueil"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identité visuelle")

    def __str__(self) -> str:
        return self.display_name
