from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import CityStatus

from .models import NetworkStory


def stories_from_elsewhere(*, city) -> QuerySet[NetworkStory]:
    """Stories shared by the other cities in service, newest first."""
    return (
        NetworkStory.objects.exclude(city=city)
        .filter(city__status=CityStatus.ACTIVE)
        .select_related("city")
    )


def shared_source_ids(*, city) -> set[int]:
    return set(NetworkStory.objects.filter(city=city).values_list("source_id", flat=True))
