"""The tenancy core: a City owns a PostgreSQL schema; Domains point hosts at it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class CityStatus(models.TextChoices):
    PROVISIONING = "provisioning", _("En cours de création")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspendue")
    ARCHIVED = "archived", _("Archivée")
    FAILED = "failed", _("Échec de création")


class City(TenantMixin):
    """A territory using Tremplin (one commune or several); its data lives in `schema_name`.

    `insee` is the default commune (the first of `communes`, and the one that names the city
    when it is alone); `communes` the member communes' INSEE codes, in the operator's order.
    Read through `commune_codes`. Which tenant covers a commune is `CityCommune`, written in
    the same transaction (tenants.services is the only writer of both).
    """

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=40, unique=True)
    insee = models.CharField(_("code INSEE"), max_length=5, db_index=True)
    communes = ArrayField(
        models.CharField(max_length=5), verbose_name=_("communes"), default=list, blank=True
    )
    departement = models.CharField(_("département"), max_length=3)
    region = models.CharField(_("région"), max_length=3)
    epci = models.CharField(_("EPCI (SIREN)"), max_length=9, blank=True)
    population = models.PositiveIntegerField(_("population"), default=0)
    postal_codes = models.JSONField(_("codes postaux"), default=list, blank=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=CityStatus.choices, default=CityStatus.PROVISIONING
    )
    admin_email = models.EmailField(_("e-mail du premier administrateur"))
    provisioning_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    # Schemas are created by tenants.provisioning from a pre-migrated template, never by save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        verbose_name = _("ville")
        verbose_name_plural = _("villes")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def schema_name_for(slug: str) -> str:
        """Slugs use hyphens, schema names underscores; slugs never contain underscores."""
        return slug.replace("-", "_")

    @property
    def commune_codes(self) -> list[str]:
        """The territory: its communes' INSEE codes, the default first (never empty)."""
        return list(self.communes) or ([self.insee] if self.insee else [])

    @property
    def is_territory(self) -> bool:
        """Several communes: young people say which one they live in."""
        return len(self.commune_codes) > 1

    @property
    def is_serving(self) -> bool:
        return self.status in (CityStatus.ACTIVE, CityStatus.SUSPENDED)

    @property
    def primary_host(self) -> str:
        primary = next((d for d in self.domains.all() if d.is_primary), None)
        return primary.domain if primary else f"{self.slug}.{settings.TREMPLIN_BASE_DOMAIN}"

    @property
    def url(self) -> str:
        return build_url(self.primary_host)


class CityCommune(models.Model):
    """One commune covered by one tenant: the unique index is "one tenant per territory".

    A row per (city, commune), unique on the commune: onboarding a commune another tenant
    covers is a 409 (tenants.services), and two onboardings racing for it are settled by the
    index, not by a check that both could pass. The City row keeps the same list (`communes`)
    for reading: it travels with the city the host cache holds, at no query.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="commune_claims")
    insee = models.CharField(_("code INSEE"), max_length=5)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["insee"], name="tenants_citycommune_one_tenant")
        ]
        ordering = ["insee"]
        verbose_name = _("commune couverte")
        verbose_name_plural = _("communes couvertes")

    def __str__(self) -> str:
        return f"{self.insee}→{self.city_id}"


class Domain(DomainMixin):
    """A host name answering for a city (`<slug>.<base-domain>` or a custom domain).

    A custom domain proves it is the city's before it can become primary or get a certificate:
    a TXT record `_tremplin-challenge.<domain>` holding `verification_token` (tenants/domains.py).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    verification_token = models.CharField(_("jeton de vérification"), max_length=64, blank=True)
    # Set once the DNS record was found; the platform's own `<slug>.<base>` is verified at birth.
    verified_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "domain"]
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")


def build_url(host: str, path: str = "/") -> str:
    """An absolute URL on `host`, with the scheme and port this deployment serves."""
    port = settings.TREMPLIN_URL_PORT
    netloc = f"{host}:{port}" if port and port not in ("80", "443") else host
    return f"{settings.TREMPLIN_URL_SCHEME}://{netloc}{path}"


class AuditEntry(models.Model):
    """Who did what to which city, for every operator action (kept in public)."""

    actor = models.CharField(max_length=254, help_text="E-mail of the operator, or 'system'.")
    action = models.CharField(max_length=64)
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.SET_NULL)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"


class FeatureSource(models.TextChoices):
    PLAN = "plan", _("formule")
    OPERATOR = "operator", _("dérogation de l'opérateur")


class CityFeature(models.Model):
    """The operator's side of a feature flag: is `key` allowed for this city (public schema)?

    The city's own side is tenant_apps.features.FeatureSetting; tenants/features.py combines both.
    `source` says who decided: the city's plan (billing applies it), or an operator's override,
    which plan changes leave alone.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="features")
    key = models.CharField(max_length=40)
    allowed = models.BooleanField(default=False)
    # Rows older than plans were operators' decisions: they stay overrides.
    source = models.CharField(
        max_length=10, choices=FeatureSource.choices, default=FeatureSource.OPERATOR
    )
    updated_by = models.CharField(max_length=254, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "key"], name="tenants_cityfeature_unique")
        ]
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.city_id}:{self.key}={'allowed' if self.allowed else 'denied'}"
