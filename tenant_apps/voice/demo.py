"""Demo content of youth voice (`manage.py up --demo`): one open poll per city, in plain French,
for « Donne ton avis ». Created through the staff services, by the city's admin, once: a poll
staff closed or deleted is not opened again (it is found by its title).
"""

from __future__ import annotations

from shared_apps.accounts.models import User

from .models import Poll, PollStatus
from .services import poll_save, poll_set_status

POLL_TITLE = "L'espace jeunes, tu le veux comment ?"
POLL_INTRO = (
    "La ville prépare les horaires et les activités de l'an prochain. Deux minutes, et ton avis "
    "compte : tu peux répondre sans compte."
)
POLL_QUESTIONS = [
    {"kind": "single", "label": "Quand est-ce que tu viendrais le plus ?", "required": True,
     "choices": ["Le soir après les cours", "Le mercredi après-midi", "Le samedi",
                 "Pendant les vacances"]},
    {"kind": "multiple", "label": "Qu'est-ce qui te donnerait envie de venir ?",
     "choices": ["Du sport", "De l'aide pour le permis ou un job", "Des sorties",
                 "Un coin calme pour réviser", "De la musique ou de la vidéo"]},
    {"kind": "scale", "label": "Aujourd'hui, tu te sens bien accueilli·e dans les lieux jeunesse "
                               "de la ville ?"},
    {"kind": "text", "label": "Une idée pour l'espace jeunes ? En quelques mots."},
]  # fmt: skip


def voice_demo_seed(*, staff_email: str) -> Poll | None:
    """The city's open demo poll (created and opened once). Runs in the city's schema."""
    staff = User.objects.filter(email=staff_email).first()
    if staff is None:
        return None
    poll = Poll.objects.filter(title=POLL_TITLE).first()
    if poll is not None:
        return poll
    poll = poll_save(
        by=staff,
        fields={"title": POLL_TITLE, "intro": POLL_INTRO, "allow_anonymous": True},
        questions=POLL_QUESTIONS,
    )
    return poll_set_status(poll=poll, by=staff, status=PollStatus.OPEN)
