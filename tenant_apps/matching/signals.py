"""Catalogue writes make the cached candidates stale (see candidates.py)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.models import NationalOfferSetting, Offer, Structure

from .candidates import candidate_cache


@receiver([post_save, post_delete], sender=Offer)
@receiver([post_save, post_delete], sender=NationalOffer)
@receiver([post_save, post_delete], sender=NationalOfferSetting)
@receiver([post_save, post_delete], sender=Structure)
def catalogue_changed(**kwargs) -> None:
    candidate_cache.invalidate()
    # Again after commit: another process may have rebuilt from the old rows meanwhile.
    transaction.on_commit(candidate_cache.invalidate)
