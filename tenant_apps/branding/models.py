"""A city's visual identity. One row per city schema."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from .colors import AA_CONTRAST, WHITE, contrast_ratio, is_hex_color


def validate_brand_color(value: str) -> None:
    if not is_hex_color(value):
        raise ValidationError(_("Indique une couleur au format #RRGGBB."))
    if contrast_ratio(value, WHITE) < AA_CONTRAST:
        raise ValidationError(
            _("Cette couleur est trop claire : le texte blanc n'y serait pas lisible.")
        )


# Extensions a stored logo may have: services re-encode every upload to one of them.
LOGO_EXTENSIONS = ("png", "webp")


def logo_path(instance: Branding, filename: str) -> str:
    """Each city's files under its own folder, with a fresh name (no cache surprises) and an
    image extension whatever the uploaded file was called."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    extension = extension if extension in LOGO_EXTENSIONS else "png"
    return f"{connection.schema_name}/branding/logo-{uuid.uuid4().hex[:12]}.{extension}"


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
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True)
    # {"instagram": "https://…", …}: see SOCIAL_NETWORKS for the accepted keys.
    social_links = models.JSONField(_("réseaux sociaux"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identité visuelle")

    def __str__(self) -> str:
        return self.display_name


SOCIAL_NETWORKS = {
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "snapchat": "Snapchat",
    "youtube": "YouTube",
    "facebook": "Facebook",
    "x": "X",
    "linkedin": "LinkedIn",
    "site": "Site de la ville",
}


class PageSlug(models.TextChoices):
    ABOUT = "a-propos", _("À propos")
    CONTACT = "contact", _("Contact")
    LEGAL = "mentions-legales", _("Mentions légales")


class Page(models.Model):
    """One of the city's editable pages (à propos, contact, mentions légales)."""

    slug = models.CharField(max_length=30, choices=PageSlug.choices, unique=True)
    title = models.CharField(_("titre"), max_length=120)
    body = models.TextField(_("texte"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("page")

    def __str__(self) -> str:
        return self.title
