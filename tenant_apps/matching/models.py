"""Advisors and mentors with bookable slots, and the young person's inbox (city schema)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AdvisorKind(models.TextChoices):
    ADVISOR = "advisor", _("Conseiller·ère")  # "choisir son accompagnateur"
    MENTOR = "mentor", _("Mentor (un·e pro qui partage son métier)")  # "adopte un pro"


class MeetingFormat(models.TextChoices):
    INDIVIDUAL = "individuel", _("En individuel")
    COLLECTIVE = "collectif", _("En groupe")
    COFFEE = "cafe", _("Autour d'un café")
    ONLINE = "en_ligne", _("En ligne")


def advisor_photo_path(instance: Advisor, filename: str) -> str:
    """Each city's files under its own folder, with a fresh name (no cache surprises)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"{connection.schema_name}/advisors/{uuid.uuid4().hex[:12]}.{extension}"


def advisor_video_path(instance: Advisor, filename: str) -> str:
    """The service names the file (mp4 or webm, from its bytes): nothing of the upload's name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "mp4"
    return f"{connection.schema_name}/advisors/video-{uuid.uuid4().hex[:12]}.{extension}"


# A group slot holds at most this many people (a room, a workshop).
SLOT_MAX_CAPACITY = 50


class Advisor(models.Model):
    kind = models.CharField(_("type"), max_length=10, choices=AdvisorKind.choices)
    display_name = models.CharField(_("nom affiché"), max_length=80)
    organisation = models.CharField(_("structure ou entreprise"), max_length=120)
    job_title = models.CharField(_("métier ou fonction"), max_length=120, blank=True)
    bio = models.TextField(_("présentation courte"), max_length=1200)
    video_url = models.URLField(_("vidéo de présentation"), blank=True)
    photo = models.FileField(_("photo"), upload_to=advisor_photo_path, blank=True)
    # Says what the picture is when it is not a photograph of the person ("Illustration").
    photo_caption = models.CharField(_("légende de la photo"), max_length=120, blank=True)
    video_file = models.FileField(
        _("vidéo de présentation (fichier)"), upload_to=advisor_video_path, blank=True
    )
    # What the video says, for who cannot watch or hear it: required with any video.
    video_text = models.TextField(_("la vidéo en quelques lignes"), max_length=3000, blank=True)
    # The advisor's own account, when they sign in to their agenda (/staff/mon-agenda/).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advisor_profile",
        verbose_name=_("compte"),
    )
    topics = models.JSONField(_("sujets (thématiques)"), default=list, blank=True)
    freins = models.JSONField(_("freins sur lesquels il ou elle aide"), default=list, blank=True)
    languages = models.JSONField(_("langues"), default=list, blank=True)
    formats = models.JSONField(_("formats"), default=list, blank=True)
    location = models.CharField(_("lieu des rendez-vous"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        if (self.video_url or self.video_file) and not self.video_text.strip():
            raise ValidationError(
                {"video_text": _("Dis en quelques lignes ce que raconte la vidéo.")}
            )

    @property
    def has_video(self) -> bool:
        return bool(self.video_url or self.video_file)


class Slot(models.Model):
    advisor = models.ForeignKey(Advisor, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=12, choices=MeetingFormat.choices)
    # How many people may book it: 1, except a group slot (format « collectif »).
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)
    place = models.CharField(_("lieu (adresse)"), max_length=200, blank=True)
    video_link = models.URLField(_("lien de visio"), max_length=300, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the advisor's reminder, sent

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            # A canceled slot leaves its time free for a new one.
            models.UniqueConstraint(
                fields=["advisor", "starts_at"],
                condition=Q(canceled_at__isnull=True),
                name="slot_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=SLOT_MAX_CAPACITY)
                & (Q(capacity=1) | Q(format=MeetingFormat.COLLECTIVE)),
                name="slot_capacity_fits_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.advisor} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def where(self) -> str:
        """The address young people go to: the slot's own, else the advisor's usual place."""
        return self.place or self.advisor.location


class Booking(models.Model):
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    message = models.TextField(_("ce dont tu veux parler"), max_length=1000, blank=True)
    # The aid the young person wants help with (« Je me fais aider »): a local or a national
    # offer, so an id and not a foreign key (national offers live in another schema). The title
    # is the one of booking time: the advisor reads it even if the aid is later removed.
    about_offer_id = models.UUIDField(_("aide concernée"), null=True, blank=True)
    about_offer_title = models.CharField(_("titre de l'aide concernée"), max_length=200, blank=True)
    # Which of the slot's places this booking holds (1 … capacity; always 1 when individual).
    seat = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    canceled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the day-before reminder, sent

    class Meta:
        ordering = ["slot__starts_at"]
        constraints = [
            # booking_create locks the slot row and counts; the database guarantees it too: a
            # place is held by one live booking, so an individual slot (one place) by one person.
            models.UniqueConstraint(
                fields=["slot", "seat"],
                condition=Q(canceled_at__isnull=True),
                name="booking_one_per_seat",
            ),
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=Q(canceled_at__isnull=True),
                name="booking_once_per_person",
            ),
            models.CheckConstraint(condition=Q(seat__gte=1), name="booking_seat_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.slot}"


class InboxMessage(models.Model):
    """An in-app notification ("un nouveau job près de chez toi")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox"
    )
    title = models.CharField(max_length=160)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    offer_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "offer_id"], name="inbox_once_per_offer")
        ]

    def __str__(self) -> str:
        return self.title


class NotificationSettings(models.Model):
    """A young person's choices: the weekly digest (weekly or never), e-mails (yes or no: with
    no, everything comes to the inbox only), Web Push (push.py); and the token of the
    digest's unsubscribe link."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    weekly_digest = models.BooleanField(
        _("recevoir le résumé de la semaine par e-mail"), default=False
    )
    email_enabled = models.BooleanField(_("recevoir des e-mails"), default=True)
    # Web Push to the devices in PushSubscription (push.py); off: nothing is pushed.
    push_enabled = models.BooleanField(_("notifications sur le téléphone"), default=False)
    unsubscribe_token = models.CharField(max_length=43, unique=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Notifications of {self.user}"


class RightClaim(models.Model):
    """A young person said they asked for an aid ("j'ai fait ma demande"): a right opened."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="right_claims"
    )
    offer_id = models.UUIDField()
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "offer_id"], name="claim_once")]

    def __str__(self) -> str:
        return f"{self.user} claimed {self.offer_id}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (its PushSubscription JSON): one per device of a young
    person who turned notifications on. The keys encrypt what we send; the push service only
    relays ciphertext. Removed when the service says the subscription is gone (404/410)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"push {self.user_id} {self.endpoint[:40]}"
