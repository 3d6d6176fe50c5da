"""« Adopte un pro »: an event of speed meetings (city schema).

A city event (catalogue.Offer of kind « événement ») gets a `SpeedMeeting`: a number of short
rounds. Professionals of the city (partner and advisor accounts) each hold a table (`Pro`);
young people registered to the event choose, in order, the pros they want to meet (`Choice`);
staff build the schedule (`Rendezvous`: one pro, one young person, one round) and send it.
Afterwards either side can ask to meet again (`FollowUp`); the event's referent advisor is told.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SpeedMeeting(models.Model):
    offer = models.OneToOneField(
        "catalogue.Offer", on_delete=models.CASCADE, related_name="speed_meeting"
    )
    rounds = models.PositiveSmallIntegerField(_("nombre de rencontres par pro"), default=6)
    round_minutes = models.PositiveSmallIntegerField(
        _("durée d'une rencontre (minutes)"), default=10
    )
    break_minutes = models.PositiveSmallIntegerField(_("pause entre deux (minutes)"), default=2)
    choices_max = models.PositiveSmallIntegerField(_("pros qu'un·e jeune peut choisir"), default=3)
    # Told (inbox and e-mail) when someone asks to meet again; the city's advisors only.
    referent = models.ForeignKey(
        "matching.Advisor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speed_meetings",
        verbose_name=_("conseiller·ère référent·e"),
    )
    schedule_built_at = models.DateTimeField(null=True, blank=True)
    schedule_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rencontres « Adopte un pro »")

    def __str__(self) -> str:
        return f"Adopte un pro · {self.offer.title}"

    def round_window(self, number: int) -> tuple:
        """(start, end) of round `number` (1-based), from the event's start."""
        start = self.offer.starts_at + timedelta(
            minutes=(number - 1) * (self.round_minutes + self.break_minutes)
        )
        return start, start + timedelta(minutes=self.round_minutes)

    @property
    def ends_at(self):
        return self.round_window(self.rounds)[1] if self.offer.starts_at else None

    @property
    def is_over(self) -> bool:
        end = self.ends_at
        return end is not None and end <= timezone.now()

    @property
    def choices_open(self) -> bool:
        return self.schedule_sent_at is None and not self.is_over


class Pro(models.Model):
    """A professional's table at one speed meeting; what young people read to choose."""

    meeting = models.ForeignKey(SpeedMeeting, on_delete=models.CASCADE, related_name="pros")
    # DO_NOTHING: users also live in public; erasure (data_rights.py) clears these rows first.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="pro_tables"
    )
    display_name = models.CharField(_("nom affiché"), max_length=80)
    organisation = models.CharField(_("structure ou entreprise"), max_length=120, blank=True)
    job_title = models.CharField(_("métier"), max_length=120)
    pitch = models.CharField(_("en une phrase, ce que tu racontes"), max_length=300, blank=True)
    table = models.CharField(_("table"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "job_title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meetups_pro_once"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.job_title})"


class Choice(models.Model):
    """A young person's wish to meet one pro; `rank` 1 is their first choice."""

    meeting = models.ForeignKey(SpeedMeeting, on_delete=models.CASCADE, related_name="choices")
    pro = models.ForeignKey(Pro, on_delete=models.CASCADE, related_name="choices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="pro_choices"
    )
    rank = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting_id", "user_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["pro", "user"], name="meetups_choice_once"),
            models.UniqueConstraint(
                fields=["meeting", "user", "rank"], name="meetups_choice_rank_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}→{self.pro_id} ({self.rank})"


class Rendezvous(models.Model):
    """One round of the schedule: a pro and a young person at the same table."""

    meeting = models.ForeignKey(SpeedMeeting, on_delete=models.CASCADE, related_name="rendezvous")
    pro = models.ForeignKey(Pro, on_delete=models.CASCADE, related_name="rendezvous")
    # Nullable: an erased account leaves the pro's slot taken, anonymous.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="pro_rendezvous",
    )
    round = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["meeting_id", "round", "pro_id"]
        constraints = [
            models.UniqueConstraint(fields=["pro", "round"], name="meetups_rdv_pro_round"),
            models.UniqueConstraint(
                fields=["meeting", "user", "round"], name="meetups_rdv_user_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pro_id}·{self.user_id} round {self.round}"

    def window(self) -> tuple:
        return self.meeting.round_window(self.round)


class FollowUpSide(models.TextChoices):
    YOUTH = "youth", _("le ou la jeune")
    PRO = "pro", _("le ou la pro")


class FollowUp(models.Model):
    """After the event, one side of a rendezvous asks to meet again."""

    rendezvous = models.ForeignKey(Rendezvous, on_delete=models.CASCADE, related_name="follow_ups")
    side = models.CharField(max_length=5, choices=FollowUpSide.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["rendezvous", "side"], name="meetups_follow_up_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rendezvous_id}:{self.side}"
