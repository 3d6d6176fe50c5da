"""Neighbourhood writes make the city's cached anonymous pages stale (the structures page lists
them; tenants.pagecache)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.generations import generation_bump

from .models import Neighbourhood

NEIGHBOURHOODS = "neighbourhoods"


@receiver([post_save, post_delete], sender=Neighbourhood)
def neighbourhoods_changed(**kwargs) -> None:
    generation_bump(NEIGHBOURHOODS)
