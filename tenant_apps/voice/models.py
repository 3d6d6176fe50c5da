"""Youth voice: short polls and questionnaires the city publishes; young people answer once
(signed in, or anonymously once per device); staff read the results with small counts hidden."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Un seul choix")
    MULTIPLE = "multiple", _("Plusieurs choix")
    SCALE = "scale", _("Une note (de 1 à 5)")
    TEXT = "text", _("Un texte court")


class Poll(models.Model):
    title = models.CharField(_("titre"), max_length=160)
    intro = models.TextField(_("présentation"), blank=True)
    status = models.CharField(
        _("statut"), max_length=8, choices=PollStatus.choices, default=PollStatus.DRAFT
    )
    allow_anonymous = models.BooleanField(
        _("ouvert sans compte (une réponse par appareil)"), default=True
    )
    closes_at = models.DateTimeField(_("se termine le"), null=True, blank=True)
    created_by = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sondage")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        if self.status != PollStatus.OPEN:
            return False
        return self.closes_at is None or self.closes_at > timezone.now()


class Question(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=8, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=200)
    choices = models.JSONField(_("choix"), default=list, blank=True)
    required = models.BooleanField(_("réponse obligatoire"), default=False)

    SCALE = (1, 5)
    TEXT_MAX = 280

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class PollResponse(models.Model):
    """One person's (or one device's) answers to a poll. The user is kept only to answer
    once and for the person's data export; results never show who answered."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="poll_responses",
    )
    # HMAC of the anonymous device's random cookie (services.device_key), never the cookie.
    device = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "user"], condition=Q(user__isnull=False), name="poll_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["poll", "device"], condition=~Q(device=""), name="poll_once_per_device"
            ),
        ]

    def __str__(self) -> str:
        return f"réponse {self.pk} au sondage {self.poll_id}"


class Answer(models.Model):
    response = models.ForeignKey(PollResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.JSONField(default=list, blank=True)  # indexes into question.choices
    value = models.PositiveSmallIntegerField(null=True, blank=True)  # a scale's note
    text = models.CharField(max_length=280, blank=True)

    def __str__(self) -> str:
        return f"réponse à la question {self.question_id}"


class IdeaStatus(models.TextChoices):
    PENDING = "pending", _("En attente de relecture")
    PUBLISHED = "published", _("Publiée")
    ANSWERED = "answered", _("La ville a répondu")
    REJECTED = "rejected", _("Non retenue")


class IdeaKind(models.TextChoices):
    EVENT = "event", _("Un événement")
    IDEA = "idea", _("Une idée pour la ville")


class Idea(models.Model):
    """A young person's proposal: shown to the others (without their name) once staff have
    read it; others support it; staff answer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    kind = models.CharField(_("type"), max_length=8, choices=IdeaKind.choices)
    title = models.CharField(_("titre"), max_length=120)
    body = models.TextField(_("en quelques lignes"), max_length=1000)
    status = models.CharField(
        _("statut"), max_length=10, choices=IdeaStatus.choices, default=IdeaStatus.PENDING
    )
    answer = models.TextField(_("réponse de la ville"), blank=True)
    answered_by = models.CharField(max_length=254, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class IdeaSupport(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="idea_support_once")]

    def __str__(self) -> str:
        return f"soutien {self.user_id} → {self.idea_id}"
