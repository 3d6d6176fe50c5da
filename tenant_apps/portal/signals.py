"""Stories and registrations make the city's cached anonymous pages stale (tenants.pagecache):
the home page shows the latest story, an event's page the places left."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.generations import generation_bump

from .models import Inspiration, Registration

PORTAL = "portal"


@receiver([post_save, post_delete], sender=Inspiration)
@receiver([post_save, post_delete], sender=Registration)
def portal_changed(**kwargs) -> None:
    generation_bump(PORTAL)
