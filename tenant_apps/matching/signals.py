"""Catalogue writes make the cached candidates and pages stale (candidates.py, tenants.pagecache):
a write in a city, that city's only; a national offer, every city's."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.models import NationalOfferSetting, Offer, Structure, StructureService

from .candidates import candidate_cache


@receiver([post_save, post_delete], sender=Offer)
@receiver([post_save, post_delete], sender=NationalOffer)
@receiver([post_save, post_delete], sender=NationalOfferSetting)
@receiver([post_save, post_delete], sender=Structure)
@receiver([post_save, post_delete], sender=StructureService)  # /structures/ shows the room
def catalogue_changed(sender, **kwargs) -> None:
    schema = connection.schema_name
    scope = None if sender is NationalOffer or schema == "public" else schema
    candidate_cache.invalidate(scope)
    # Again after commit: another process may have rebuilt from the old rows meanwhile.
    transaction.on_commit(lambda: candidate_cache.invalidate(scope))
