"""Catalogue writes make the cached candidates and pages stale (candidates.py, tenants.pagecache):
a write in a city, that city's only; a national offer, every city's. A write to a person's
profile or claims makes their cached answers stale (answer_cache.py)."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.models import NationalOfferSetting, Offer, Structure, StructureService
from tenant_apps.youth.models import YouthProfile

from .answer_cache import person_changed
from .candidates import candidate_cache
from .models import RightClaim


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


@receiver([post_save, post_delete], sender=YouthProfile)
@receiver([post_save, post_delete], sender=RightClaim)
def person_answers_changed(instance, **kwargs) -> None:
    person_changed(user_id=instance.user_id)
