"""What a city publishes for its young people: offers, structures, and its choices about the
national catalogue. Tables live in each city's schema.

`Offer` is built on shared_apps.offers.AbstractOffer, like the national catalogue's
`NationalOffer` (public schema), so local and national offers have the same columns and one
selector can merge them (see selectors.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The shape of an offer lives below both catalogues. Re-exported: the catalogue's code, the
# apps above it and the migrations (empty_eligibility) name them here.
from shared_apps.offers.models import (  # noqa: F401
    AbstractImportRun,
    AbstractOffer,
    ContractType,
    ImportStatus,
    OfferKind,
    OfferStatus,
    Periodicity,
    Situation,
    empty_eligibility,
    offer_constraints,
    offer_indexes,
    search_vector_expression,
)


class StructureTypology(models.TextChoices):
    MISSION_LOCALE = "mission_locale", _("Mission locale")
    PIJ = "pij", _("Point information jeunesse")
    ASSOCIATION = "association", _("Association")
    CLUB = "club", _("Club sportif")
    SERVICE_MUNICIPAL = "service_municipal", _("Service municipal")
    CENTRE_SOCIAL = "centre_social", _("Centre social")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    ETABLISSEMENT = "etablissement", _("Établissement scolaire ou de formation")
    ENTREPRISE = "entreprise", _("Entreprise")
    AUTRE = "autre", _("Autre")


def structure_media_path(instance, filename: str) -> str:
    """Each city's files under its own folder, a fresh name, the extension we encoded."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "webp"
    extension = extension if extension in ("webp", "png") else "webp"
    return f"{connection.schema_name}/structures/{uuid.uuid4().hex[:12]}.{extension}"


class Structure(models.Model):
    """A place or organisation young people can go to (data·inclusion structure fields)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("nom"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    typology = models.CharField(
        _("type de structure"),
        max_length=20,
        choices=StructureTypology.choices,
        default=StructureTypology.AUTRE,
    )
    description = models.TextField(_("présentation"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    commune_insee = models.CharField(_("code INSEE"), max_length=5, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    opening_hours = models.TextField(_("horaires d'accueil"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("site web"), max_length=500, blank=True)
    networks = models.JSONField(_("réseaux porteurs"), default=list, blank=True)
    places_available = models.PositiveIntegerField(_("places disponibles"), null=True, blank=True)
    places_updated_at = models.DateTimeField(_("places mises à jour le"), null=True, blank=True)
    # The welcome booklet (« voir le lieu avant d'y aller »): how to come, a short video with its
    # text alternative, a 360° panorama (an equirectangular image, re-encoded) and photos.
    access_info = models.TextField(_("comment venir"), blank=True)
    video_url = models.URLField(_("vidéo courte (lien)"), max_length=500, blank=True)
    video_text = models.TextField(_("ce que dit la vidéo"), blank=True)
    panorama = models.FileField(_("panorama 360°"), upload_to=structure_media_path, blank=True)
    source = models.CharField(_("source"), max_length=40, default="manual")
    external_id = models.CharField(_("identifiant dans la source"), max_length=200, blank=True)
    import_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="structure_source_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PartnerMembership(models.Model):
    """A partner account belongs to a structure: it keeps that structure's offers and page.

    A partner account may belong to several structures, a structure may have several partner
    accounts. Rows of other roles mean nothing (only partners are confined to structures)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships"
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="partner_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partenaire d'une structure")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="partner_membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.structure_id}"


class Offer(AbstractOffer):
    """A city's own offer."""

    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
    )
    # Who wrote it: a partner keeps the offers it wrote as well as its structures' ones.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Why the last review sent it back to draft; cleared when it goes back to review.
    review_reason = models.TextField(_("motif du renvoi en brouillon"), blank=True, editable=False)

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        indexes = offer_indexes("offer")
        constraints = offer_constraints("offer")


class NationalOfferSetting(models.Model):
    """This city's choices about one national offer (public schema, referenced by id)."""

    national_offer_id = models.UUIDField(unique=True)
    hidden = models.BooleanField(_("masquée"), default=False)
    pinned = models.BooleanField(_("mise en avant"), default=False)
    local_note = models.TextField(_("note locale"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réglage d'une offre nationale")

    def __str__(self) -> str:
        return str(self.national_offer_id)


class ImportRun(AbstractImportRun):
    """An import into this city's catalogue."""

    payload = models.BinaryField(blank=True, editable=False)  # the uploaded file, until imported
    publish = models.BooleanField(_("publier directement"), default=False)

    class Meta(AbstractImportRun.Meta):
        verbose_name = _("import")


class StructureService(models.Model):
    """A service a structure offers — a data·inclusion thématique such as « Préparer un permis »
    (`mobilite--preparer-un-permis`) — with its own places and next availability, kept current
    by the structure's staff (its partners) or the city's editors."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="services")
    theme = models.CharField(_("service (thématique data·inclusion)"), max_length=120)
    description = models.CharField(_("précisions"), max_length=300, blank=True)
    places_available = models.PositiveIntegerField(_("places disponibles"), null=True, blank=True)
    next_availability = models.DateField(_("prochaine disponibilité"), null=True, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    updated_by = models.CharField(max_length=254, blank=True)

    class Meta:
        verbose_name = _("service d'une structure")
        ordering = ["theme"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "theme"], name="structure_service_once")
        ]

    def __str__(self) -> str:
        return f"{self.structure_id}: {self.theme}"

    @property
    def has_room(self) -> bool:
        return bool(self.places_available)

    @property
    def label(self) -> str:
        from .themes import theme_labels

        return theme_labels().get(self.theme, self.theme)


class StructurePhoto(models.Model):
    """A photo of a structure's welcome booklet (re-encoded; its text alternative required)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=structure_media_path)
    alt = models.CharField(_("ce que montre la photo"), max_length=160)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt
