"""What a young person keeps on the portal (saves, event registrations) and the stories the
city publishes (inspirations). Tables live in each city's schema."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Save(models.Model):
    """An offer a young person kept for later (local or national: no foreign key)."""

    # DO_NOTHING, not CASCADE: users also live in public, where this table does not exist;
    # the erasure hook (data_rights.py) deletes these rows before the user goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="saves"
    )
    offer_id = models.UUIDField()
    is_national = models.BooleanField(default=False)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "offer_id"], name="portal_save_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.offer_id}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Inscrit·e")
    WAITLISTED = "waitlisted", _("Sur liste d'attente")
    CANCELLED = "cancelled", _("Annulée")


class Registration(models.Model):
    """A young person's place (or place in line) at one of the city's events.

    `position` is the order of arrival for this event (assigned under a lock on the event's
    row): the waitlist is served in that order.
    """

    # Nullable: an erased account leaves an anonymous row so attendance figures stay true.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="registrations",
    )
    offer = models.ForeignKey(
        "catalogue.Offer", on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    position = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # When staff marked the person present (None: not marked, or unmarked since).
    attended_at = models.DateTimeField(null=True, blank=True)
    # After the event, the person who came rates it (1 to 5) and says one word (services.
    # event_feedback_give); staff see them only from 10 ratings on.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback_word = models.CharField(max_length=30, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["offer_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["user", "offer"], name="portal_registration_once"),
            models.UniqueConstraint(fields=["offer", "position"], name="portal_registration_pos"),
        ]
        indexes = [models.Index(fields=["offer", "status"], name="portal_reg_offer_status")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.offer_id}:{self.status}"


class InspirationStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")


def inspiration_photo_path(instance: Inspiration, filename: str) -> str:
    """Each city's files under its own folder, with a fresh name (no cache surprises)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"{connection.schema_name}/inspirations/{uuid.uuid4().hex[:12]}.{extension}"


class Inspiration(models.Model):
    """A short story of a young person, from this city or elsewhere, published by staff."""

    title = models.CharField(_("titre"), max_length=160)
    person = models.CharField(
        _("prénom ou pseudo"), max_length=60, help_text=_("Jamais de nom de famille.")
    )
    age = models.PositiveSmallIntegerField(_("âge"), null=True, blank=True)
    place = models.CharField(_("d'où vient cette personne"), max_length=120, blank=True)
    is_local = models.BooleanField(_("jeune de la ville"), default=True)
    summary = models.CharField(_("en une phrase"), max_length=300)
    body = models.TextField(_("l'histoire"))
    link_url = models.URLField(_("lien pour aller plus loin"), max_length=500, blank=True)
    photo = models.FileField(_("photo"), upload_to=inspiration_photo_path, blank=True)
    # Says what the picture is when it is not a photograph of the person ("Illustration").
    photo_caption = models.CharField(_("légende de la photo"), max_length=120, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=InspirationStatus.choices,
        default=InspirationStatus.DRAFT,
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # An optional short video (a link to the file or the host) and its text alternative.
    video_url = models.URLField(_("vidéo courte (lien)"), max_length=500, blank=True)
    video_text = models.TextField(
        _("ce que dit la vidéo (texte pour qui ne peut pas la voir)"), blank=True
    )
    # The offers the story talks about (« moi aussi »): ids of offers visible in this city.
    offer_ids = models.JSONField(_("offres liées"), default=list, blank=True)
    # Shared to the network (shared_apps.network) only with the young person's consent, recorded.
    consent_at = models.DateTimeField(_("accord du jeune recueilli le"), null=True, blank=True)
    consent_by = models.CharField(max_length=254, blank=True)
    shared = models.BooleanField(_("partagée avec le réseau des villes"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("inspiration")
        constraints = [
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__gte=10, age__lte=40),
                name="portal_inspiration_age",
            )
        ]

    def __str__(self) -> str:
        return self.title
