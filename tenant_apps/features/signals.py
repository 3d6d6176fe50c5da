"""A change to a city's feature switches drops that city's cached feature set."""

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import FeatureSetting


@receiver([post_save, post_delete], sender=FeatureSetting)
def invalidate_features(**kwargs) -> None:
    from tenants.features import invalidate_city_features
    from tenants.models import City

    if isinstance(connection.tenant, City):
        invalidate_city_features(connection.tenant)
