"""Demo content of the portal (`manage.py up --demo`): stories and a few registrations.

Idempotent: stories are found by title, registrations go through the service (which does
nothing for someone already registered).
"""

from __future__ import annotations

from django.utils import timezone

from shared_apps.accounts.models import User
from tenants.models import City

from .models import Inspiration, InspirationStatus, Save
from .selectors import upcoming_events
from .services import registration_create

STORIES = (
    dict(title="Du collège au CAP cuisine, sans lâcher", person="Yanis", age=19, is_local=True,
         summary="Il ne savait pas quoi faire après la 3e. Un stage au restaurant du quartier "
                 "lui a donné une direction.",
         body="Yanis a poussé la porte du point information jeunesse pour trouver un stage. "
              "Trois semaines plus tard, il savait qu'il voulait cuisiner.\n\n"
              "Aujourd'hui en CAP, il conseille : « Demande, même si tu crois que c'est pas pour "
              "toi. »"),
    dict(title="Le permis grâce aux aides, pas à pas", person="Awa", age=21, is_local=True,
         summary="Entre l'aide de la ville et celle de la région, son permis lui a presque "
                 "rien coûté.",
         body="Awa pensait que le permis était trop cher. En répondant aux questions de « Mes "
              "droits », elle a découvert deux aides qu'elle pouvait cumuler.\n\n"
              "Avec le permis, elle a décroché un job d'aide à domicile."),
    dict(title="Un service civique à l'autre bout de la France", person="Mehdi", age=23,
         is_local=False, place="Marseille",
         summary="Huit mois dans une association de quartier, et l'envie de travailler dans "
                 "le social.",
         body="Mehdi a fait son service civique dans une association d'aide aux devoirs. "
              "Il prépare maintenant le concours d'éducateur spécialisé."),
)  # fmt: skip


def portal_demo_seed(city: City, *, youth_email: str) -> None:
    """Publish the demo stories; register the demo young person to the next events."""
    now = timezone.now()
    for story in STORIES:
        Inspiration.objects.get_or_create(
            title=story["title"],
            defaults={
                **story,
                "place": story.get("place", city.name),
                "status": InspirationStatus.PUBLISHED,
                "published_at": now,
            },
        )
    youth = User.objects.filter(email=youth_email).first()
    if youth is None:
        return
    events = upcoming_events(limit=3)
    for event in events[:2]:
        registration_create(user=youth, offer_id=event.pk)
    for event in events[2:]:
        Save.objects.get_or_create(user=youth, offer_id=event.pk)
