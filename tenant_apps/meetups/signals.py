"""An event's page shows its speed meetings' pros: changing them makes the city's cached
anonymous pages stale (tenants.pagecache), as registrations do."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.generations import generation_bump

from .models import Pro, SpeedMeeting


@receiver([post_save, post_delete], sender=SpeedMeeting)
@receiver([post_save, post_delete], sender=Pro)
def meetups_changed(**kwargs) -> None:
    generation_bump("portal")
