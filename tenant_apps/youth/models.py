"""A young person's profile, their consents and the city's neighbourhoods (city schema)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import (
    MAX_MONTHLY_INCOME,
    MAX_MONTHLY_RENT,
    ConsentKind,
    DiplomaLevel,
    Frein,
    HousingStatus,
    LookingFor,
    Situation,
)


class Neighbourhood(models.Model):
    """A quartier of the city: its QPV (seeded at onboarding) and any the staff add.

    `commune_insee`: the member commune it lies in (the first of the territory's communes a
    QPV spans), "" when unknown (a quartier staff added): the diagnostic's commune filter and
    the commune a young person's quartier implies read it.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    commune_insee = models.CharField(_("commune (code INSEE)"), max_length=5, blank=True)
    is_qpv = models.BooleanField(_("quartier prioritaire (QPV)"), default=False)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)  # display order

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")

    def __str__(self) -> str:
        return self.name


def _choices_array(choices, size: int = 30) -> ArrayField:
    return ArrayField(models.CharField(max_length=size, choices=choices), default=list, blank=True)


class YouthProfile(models.Model):
    """What a young person chose to tell about themselves; every field may stay empty."""

    # DO_NOTHING, not CASCADE: users also live in public, where this table does not exist and
    # a cascade would query it. account_delete() removes these rows explicitly (exports.py).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="youth_profile"
    )
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    situation = models.CharField(
        _("situation"), max_length=20, choices=Situation.choices, blank=True
    )
    diploma_level = models.CharField(
        _("niveau de diplôme"), max_length=10, choices=DiplomaLevel.choices, blank=True
    )
    commune_insee = models.CharField(_("commune (code INSEE)"), max_length=5, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profiles",
    )
    interests = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    freins = _choices_array(Frein.choices)
    has_driving_licence = models.BooleanField(_("permis de conduire"), null=True, blank=True)
    boursier = models.BooleanField(_("boursier·e"), null=True, blank=True)
    looking_for = _choices_array(LookingFor.choices)
    # What OpenFisca needs for the means-tested aids (aide au logement, prime d'activité, RSA).
    net_income_monthly = models.DecimalField(
        _("revenus nets par mois (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONTHLY_INCOME)],
        help_text=_("Supposés identiques chacun des 24 derniers mois."),
    )
    housing_status = models.CharField(
        _("logement"), max_length=24, choices=HousingStatus.choices, blank=True
    )
    rent_monthly = models.DecimalField(
        _("loyer par mois (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONTHLY_RENT)],
    )
    lives_with_partner = models.BooleanField(_("vit en couple"), null=True, blank=True)
    # Extra answers for the eligibility engine (quotient_familial, beneficiaire_rsa, …).
    facts = models.JSONField(_("autres réponses"), default=dict, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil jeune")
        verbose_name_plural = _("profils jeunes")

    def __str__(self) -> str:
        return f"Profil de {self.user}"

    @property
    def is_qpv(self) -> bool | None:
        return None if self.neighbourhood is None else self.neighbourhood.is_qpv


class Consent(models.Model):
    """One consent given by a young person; withdrawing keeps the row with its date."""

    user = models.ForeignKey(  # DO_NOTHING: see YouthProfile.user
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="consents"
    )
    kind = models.CharField(_("objet"), max_length=20, choices=ConsentKind.choices)
    version = models.CharField(_("version"), max_length=20, blank=True)
    given_at = models.DateTimeField(_("donné le"))
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name = _("consentement")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="youth_consent_one_active_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}@{self.version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
