"""The shape of an offer, shared by the national and city catalogues: choices, the abstract
offer and import-run models, their indexes and constraints.

Abstract models only: shared_apps.offers is not an installed app and has no tables. The city
catalogue (tenant_apps.catalogue.Offer, each city's schema) and the national one
(shared_apps.national.NationalOffer, public schema) build on them, so local and national offers
have the same columns and one selector can merge them.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _


class OfferKind(models.TextChoices):
    AIDE = "aide", _("Aide")
    EMPLOI = "emploi", _("Emploi")
    FORMATION = "formation", _("Formation")
    EVENEMENT = "evenement", _("Événement")
    BON_PLAN = "bon_plan", _("Bon plan")
    SERVICE = "service", _("Service")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_REVIEW = "in_review", _("En relecture")
    PUBLISHED = "published", _("Publiée")
    ARCHIVED = "archived", _("Archivée")


class Situation(models.TextChoices):
    """DESIGN.md profile situations."""

    COLLEGIEN = "collegien", _("Collégien·ne")
    LYCEEN = "lyceen", _("Lycéen·ne")
    ETUDIANT = "etudiant", _("Étudiant·e")
    APPRENTI = "apprenti", _("Apprenti·e")
    ALTERNANT = "alternant", _("Alternant·e")
    STAGIAIRE = "stagiaire", _("Stagiaire")
    SALARIE = "salarie", _("Salarié·e")
    INDEPENDANT = "independant", _("Indépendant·e")
    DEMANDEUR_EMPLOI = "demandeur_emploi", _("Demandeur·se d'emploi")
    SERVICE_CIVIQUE = "service_civique", _("En service civique")
    SANS_ACTIVITE = "sans_activite", _("Sans activité")


class ContractType(models.TextChoices):
    """Jobs: the kind of contract (what young people filter on first)."""

    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    INTERIM = "interim", _("Intérim")
    APPRENTISSAGE = "apprentissage", _("Apprentissage")
    PROFESSIONNALISATION = "professionnalisation", _("Contrat de professionnalisation")
    STAGE = "stage", _("Stage")
    JOB_ETE = "job_ete", _("Job d'été ou saisonnier")
    SERVICE_CIVIQUE = "service_civique", _("Service civique")
    BENEVOLAT = "benevolat", _("Bénévolat")
    AUTRE = "autre", _("Autre")


class Periodicity(models.TextChoices):
    PONCTUELLE = "ponctuelle", _("ponctuelle")
    MENSUELLE = "mensuelle", _("par mois")
    ANNUELLE = "annuelle", _("par an")
    AUTRE = "autre", _("autre")


def empty_eligibility() -> dict:
    """aides-jeunes shape, consumed as-is by tenant_apps.matching."""
    return {"conditions_generales": [], "profils": []}


def search_vector_expression() -> Func:
    # to_tsvector(regconfig, text) is immutable, so it can back a stored generated column.
    return Func(
        F("search_document"),
        function="to_tsvector",
        template="to_tsvector('french'::regconfig, %(expressions)s)",
    )


class AbstractOffer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("type"), max_length=16, choices=OfferKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=500, blank=True)
    body = models.TextField(_("description"), blank=True)
    themes = models.JSONField(_("thématiques"), default=list, blank=True)

    # Audience
    age_min = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("âge maximum"), null=True, blank=True)
    situations = models.JSONField(_("situations"), default=list, blank=True)
    qpv_only = models.BooleanField(_("réservé aux habitants des QPV"), default=False)
    qpv_priority = models.BooleanField(_("prioritaire pour les habitants des QPV"), default=False)
    eligibility = models.JSONField(_("règles d'éligibilité"), default=empty_eligibility, blank=True)

    # Amount (aids)
    amount_value = models.DecimalField(
        _("montant"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    amount_unit = models.CharField(_("unité du montant"), max_length=20, blank=True)
    amount_legend = models.CharField(_("précision sur le montant"), max_length=200, blank=True)
    periodicity = models.CharField(
        _("périodicité"), max_length=12, choices=Periodicity.choices, blank=True
    )
    institution_name = models.CharField(_("institution"), max_length=200, blank=True)
    institution_type = models.CharField(_("niveau de l'institution"), max_length=30, blank=True)

    # Location
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    commune_insee = models.CharField(_("code INSEE de la commune"), max_length=5, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    is_remote = models.BooleanField(_("à distance"), default=False)

    # Dates
    publish_from = models.DateTimeField(_("visible à partir du"), null=True, blank=True)
    publish_until = models.DateTimeField(_("visible jusqu'au"), null=True, blank=True)
    starts_at = models.DateTimeField(_("début"), null=True, blank=True)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    apply_by = models.DateField(_("date limite de candidature"), null=True, blank=True)

    capacity = models.PositiveIntegerField(_("nombre de places"), null=True, blank=True)
    # Jobs
    contract_type = models.CharField(
        _("type de contrat"), max_length=24, choices=ContractType.choices, blank=True
    )
    is_free = models.BooleanField(_("gratuit"), default=True)
    price_eur = models.DecimalField(
        _("prix (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    # Contact and links
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    apply_url = models.URLField(_("lien pour candidater ou s'inscrire"), max_length=500, blank=True)
    source_url = models.URLField(_("lien vers la source"), max_length=500, blank=True)

    # How to apply for an aid (« Comment faire ma demande »). `apply_url` above stays the one
    # link of the « J'y vais » button (for an imported aid: the first of these three).
    teleservice_url = models.URLField(
        _("lien pour faire la demande en ligne"), max_length=500, blank=True
    )
    form_url = models.URLField(_("formulaire à télécharger"), max_length=500, blank=True)
    instructions_url = models.URLField(
        _("lien vers la marche à suivre"), max_length=500, blank=True
    )
    documents = models.JSONField(
        _("pièces à préparer"),
        default=list,
        blank=True,
        help_text=_("Une pièce par ligne, en quelques mots (« Pièce d'identité »)."),
    )
    apply_place = models.CharField(
        _("où faire la demande"),
        max_length=200,
        blank=True,
        help_text=_("Le lieu où aller, s'il y en a un (« À l'accueil de la mairie »)."),
    )

    # Media
    image_url = models.URLField(_("image"), max_length=500, blank=True)
    video_url = models.URLField(_("vidéo"), max_length=500, blank=True)
    panorama_url = models.URLField(_("visite virtuelle à 360°"), max_length=500, blank=True)

    status = models.CharField(
        _("statut"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    # Imports: (source, external_id) identifies a record across runs; import_hash detects changes.
    source = models.CharField(_("source"), max_length=40, default="manual")
    external_id = models.CharField(_("identifiant dans la source"), max_length=200, blank=True)
    import_hash = models.CharField(max_length=64, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    # Lowercased, unaccented text (Python side, kernel.text.unaccent), indexed by
    # PostgreSQL's French stemmer through the generated column below.
    search_document = models.TextField(blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=search_vector_expression(), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_national(self) -> bool:
        return False

    def clean(self) -> None:
        from .validation import offer_errors

        errors = offer_errors(self)
        if errors:
            raise ValidationError(errors)


def offer_indexes(prefix: str) -> list:
    return [
        GinIndex(fields=["search_vector"], name=f"{prefix}_search_gin"),
        models.Index(fields=["status", "kind"], name=f"{prefix}_status_kind"),
        models.Index(fields=["starts_at"], name=f"{prefix}_starts_at"),
        models.Index(fields=["latitude", "longitude"], name=f"{prefix}_lat_lon"),
    ]


def offer_constraints(prefix: str) -> list:
    return [
        models.UniqueConstraint(
            fields=["source", "external_id"],
            condition=~Q(external_id=""),
            name=f"{prefix}_source_external_id",
        )
    ]


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class AbstractImportRun(models.Model):
    """One run of an importer, with its progress and report (written by tasks as they go)."""

    importer = models.CharField(_("format"), max_length=30)
    filename = models.CharField(_("fichier"), max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default="pending")
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True)  # [{"record", "reason"}]
    error = models.TextField(blank=True)
    started_by = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.importer} {self.created_at:%Y-%m-%d %H:%M}"
