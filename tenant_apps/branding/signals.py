"""Branding and page writes make the cached branding and anonymous pages of the city stale."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.generations import generation_bump

from .models import Branding, Page
from .selectors import BRANDING


@receiver([post_save, post_delete], sender=Branding)
@receiver([post_save, post_delete], sender=Page)
def branding_changed(**kwargs) -> None:
    generation_bump(BRANDING)
