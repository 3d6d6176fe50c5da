"""Writes of the inspirations network (called by the city that owns the story, through
tenant_apps.portal.services): share or update a copy, withdraw it."""

from __future__ import annotations

from django.db import transaction

from .models import NetworkStory

COPIED = (
    "title",
    "person",
    "age",
    "place",
    "summary",
    "body",
    "photo_url",
    "photo_caption",
    "video_url",
    "video_text",
    "offers",
)


@transaction.atomic
def story_share(*, city, source_id: int, fields: dict) -> NetworkStory:
    story, _ = NetworkStory.objects.update_or_create(
        city=city, source_id=source_id, defaults={k: fields.get(k) for k in COPIED if k in fields}
    )
    return story


def story_withdraw(*, city, source_id: int) -> bool:
    deleted, _ = NetworkStory.objects.filter(city=city, source_id=source_id).delete()
    return bool(deleted)
