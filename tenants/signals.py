"""Keep the host cache honest: any change to a domain or a city invalidates it."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import City, Domain
from .resolution import host_cache


@receiver([post_save, post_delete], sender=Domain)
@receiver([post_save, post_delete], sender=City)
def invalidate_host_cache(**kwargs) -> None:
    host_cache.invalidate()
    # Again after commit: another process may have re-cached the old row meanwhile.
    transaction.on_commit(host_cache.invalidate)
