"""Interaction events and their anonymous aggregates (city schema).

Raw `Event` rows are pseudonymous (no e-mail, name, IP or user id: a keyed hash) and kept
13 months. `Rollup` and `PopulationFact` rows are counts; dashboards read only those.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.functions import RandomUUID
from django.db import models


class EventKind(models.TextChoices):
    VIEW = "view", "Consultation d'une offre"
    SEARCH = "search", "Recherche"
    SAVE = "save", "Offre sauvegardée"
    REGISTER = "register", "Inscription à un événement"
    ATTEND = "attend", "Présence à un événement"
    APPLY = "apply", "Clic pour candidater"
    RIGHT_SHOWN = "right_shown", "Droit affiché"
    CLAIM = "claim", "Droit demandé"
    SCAN = "scan", "Code QR scanné"


class AgeBand(models.TextChoices):
    B15_17 = "15-17", "15-17 ans"
    B18_20 = "18-20", "18-20 ans"
    B21_25 = "21-25", "21-25 ans"
    B26 = "26+", "26 ans et plus"


class Event(models.Model):
    # Given when the event is recorded (recording.record) and carried through the buffer: a
    # drain that runs again after a crash finds the event already stored and skips it.
    uid = models.UUIDField(default=uuid.uuid4, db_default=RandomUUID(), unique=True, editable=False)
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    # HMAC-SHA256 (truncated) of a per-user salt or of the anonymous session key, keyed per city.
    pseudonym = models.CharField(max_length=32, blank=True, db_index=True)
    # Snapshot of the young person's profile when it happened.
    age_band = models.CharField(max_length=5, blank=True)
    situation = models.CharField(max_length=20, blank=True)
    neighbourhood = models.CharField(max_length=40, blank=True)
    is_qpv = models.BooleanField(null=True)
    interests = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    freins = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    # What it was about.
    offer_id = models.UUIDField(null=True, blank=True)
    offer_kind = models.CharField(max_length=16, blank=True)
    themes = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    query = models.CharField(max_length=100, blank=True)  # normalised (unaccented, lowercase)
    results = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind}@{self.at:%Y-%m-%d %H:%M}"


class Identity(models.Model):
    """The salt behind a young person's pseudonym. Erasure deletes it (and their raw events):
    what remains can no longer be linked to them."""

    user_id = models.BigIntegerField(unique=True)
    salt = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"identity {self.pk}"


class Period(models.TextChoices):
    DAY = "day", "jour"
    WEEK = "week", "semaine"
    MONTH = "month", "mois"


class Rollup(models.Model):
    """Events and distinct young people per period, neighbourhood, metric and dimension value.

    One row is an "atom" of the privacy rule (see privacy.py): figures shown are sums of atoms.
    """

    period = models.CharField(max_length=5, choices=Period.choices)
    start = models.DateField()
    neighbourhood = models.CharField(max_length=40, blank=True)
    is_qpv = models.BooleanField(null=True)
    metric = models.CharField(max_length=12)  # an EventKind, "active" or "take_up"
    dimension = models.CharField(max_length=16)  # all, age_band, situation, query, offer, …
    key = models.CharField(max_length=120, blank=True)
    events = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["period", "metric", "dimension", "start"], name="rollup_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.start} {self.metric}/{self.dimension}={self.key}"


CITY = "*"  # Figure.scope of the whole city (never a neighbourhood code: those are slugs)


class Figure(models.Model):
    """What the dashboard may show, computed from `Rollup` when a period is rolled up.

    For each period, scope (one neighbourhood, or CITY) and dimension value: the sum of the
    atoms the privacy rule publishes (`people`), and whether some atom was suppressed
    (`hidden`). A figure over several periods is the sum of their `people` ("<10" when it is 0
    and some atom was hidden), so the dashboard adds up a few rows in SQL instead of applying
    the rule to every atom at request time.
    """

    period = models.CharField(max_length=5, choices=Period.choices)
    start = models.DateField()
    scope = models.CharField(max_length=40)  # a neighbourhood code, "" (unknown) or CITY
    metric = models.CharField(max_length=12)
    dimension = models.CharField(max_length=16)
    key = models.CharField(max_length=120, blank=True)
    people = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["scope", "period", "start"],
                include=["metric", "dimension", "key", "people", "hidden"],
                name="figure_lookup",
            ),
            models.Index(fields=["period", "start"], name="figure_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.start} {self.scope} {self.metric}/{self.dimension}={self.key}"


class PopulationFact(models.Model):
    """Daily snapshot of the profiles: young people per neighbourhood and dimension value
    (age band, situation, diploma, interest, frein, frein by age band, eligible aid)."""

    day = models.DateField()
    neighbourhood = models.CharField(max_length=40, blank=True)
    is_qpv = models.BooleanField(null=True)
    dimension = models.CharField(max_length=16)
    key = models.CharField(max_length=120, blank=True)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "dimension"], name="population_lookup")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.key}"


class NonRecoursSnapshot(models.Model):
    """One day's evaluation of every registered young person's rights (nonrecours.py): the
    date the diagnostic states, and what the batch saw. Its `NonRecoursFact` rows are the atoms."""

    day = models.DateField(unique=True)
    computed_at = models.DateTimeField()
    legislation_date = models.DateField()  # the OpenFisca legislation simulated
    people = models.PositiveIntegerField()  # young people evaluated
    simulated = models.PositiveIntegerField(default=0)  # profile versions OpenFisca computed
    seconds = models.FloatField(default=0)  # the whole batch
    simulation_seconds = models.FloatField(default=0)  # of which OpenFisca

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"non-recours {self.day}"


class NonRecoursFact(models.Model):
    """Per neighbourhood and aid: young people eligible, eligible ones who said they applied
    ("j'ai fait ma demande"), and the monthly euros of the others. One row is an atom of the
    privacy rule (privacy.py). `offer_id` NULL: every aid at once, each young person counted
    once (eligible to at least one aid, said they applied to at least one); its euros are left
    NULL because the diagnostic adds up the published atoms instead (rule 3)."""

    snapshot = models.ForeignKey(NonRecoursSnapshot, on_delete=models.CASCADE, related_name="facts")
    neighbourhood = models.CharField(max_length=40, blank=True)
    offer_id = models.UUIDField(null=True, blank=True)
    offer_title = models.CharField(max_length=200, blank=True)
    is_national = models.BooleanField(null=True)
    eligible = models.PositiveIntegerField()
    claimed = models.PositiveIntegerField()
    unclaimed_monthly_euros = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claimed__lte=models.F("eligible")),
                name="nonrecours_claimed_among_eligible",
            ),
            models.UniqueConstraint(
                fields=["snapshot", "neighbourhood", "offer_id"],
                nulls_distinct=False,
                name="nonrecours_one_atom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id} {self.neighbourhood} {self.offer_title or 'toutes les aides'}"
