"""The inspirations network: read-only copies, in the public schema, of the stories cities
chose to share (with the young person's consent recorded in the city). Every city reads them as
stories « d'ailleurs »; the city that shared one can withdraw it, which removes it everywhere.
Nothing personal beyond what the story itself publishes (a first name or pseudonym, an age, a
place) is copied."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class NetworkStory(models.Model):
    city = models.ForeignKey(
        "tenants.City", on_delete=models.CASCADE, related_name="shared_stories"
    )
    source_id = models.PositiveIntegerField()  # the story's id in its city's schema
    title = models.CharField(max_length=160)
    person = models.CharField(max_length=60)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    place = models.CharField(max_length=120, blank=True)
    summary = models.CharField(max_length=300)
    body = models.TextField()
    photo_url = models.URLField(max_length=500, blank=True)
    photo_caption = models.CharField(max_length=120, blank=True)
    video_url = models.URLField(max_length=500, blank=True)
    video_text = models.TextField(blank=True)
    # What the story talks about, for « moi aussi » elsewhere: [{"title", "kind", "themes",
    # "national_id"}] (a city's own offers do not exist in another city; their kind and themes do).
    offers = models.JSONField(default=list, blank=True)
    shared_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-shared_at"]
        constraints = [
            models.UniqueConstraint(fields=["city", "source_id"], name="network_story_once")
        ]

    def __str__(self) -> str:
        return self.title
