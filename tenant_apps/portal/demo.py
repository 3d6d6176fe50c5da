"""Demo content of the portal (`manage.py up --demo`): stories with an illustration, the demo
young person's registrations, and the saves and registrations of the synthetic young people.

Each city tells the « Mes droits » story (a permis paid by cumulated aids: the persona of the
demo) and two more drawn from a pool by its slug, so cities do not all read the same page.
The permis story is shared with the network of cities (stories_share_demo_seed), linked to
the city's « Bourse au permis », with the consent recorded, through the staff services: every
other demo city shows it « d'ailleurs », its « Moi aussi » leading to its own permis aids.
Idempotent: stories are found by title, registrations go through the service (which does
nothing for someone already registered), synthetic rows skip what exists; a story staff took
back from the network (or whose consent they withdrew) is not shared again.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from kernel.illustrations import scene_svg

from shared_apps.accounts.models import User
from tenants.models import City

from .models import Inspiration, InspirationStatus, Registration, Save
from .selectors import upcoming_events
from .services import registration_create

PHOTO_CAPTION = "Illustration"
# The offer the permis story talks about (catalogue.demo's external id of the « Bourse au permis
# de conduire » at the service jeunesse).
PERMIS_OFFER = "aide:bourse-permis:service-jeunesse"
# Audit actions after which the demo leaves a story's sharing to staff.
TAKEN_BACK = ("inspiration.withdraw", "inspiration.consent_withdrawn", "inspiration.unpublish")

PERMIS = dict(
    title="Le permis grâce aux aides, pas à pas", age=21, is_local=True,
    summary="Entre l'aide de la ville et celle de la région, son permis lui a presque rien "
            "coûté.",
    body="{person} pensait que le permis était trop cher. En répondant aux questions de « Mes "
         "droits », elle a découvert deux aides qu'elle pouvait cumuler.\n\n"
         "Avec le permis, elle a décroché un job d'aide à domicile à {ville}.",
)  # fmt: skip
PERMIS_PEOPLE = ("Awa", "Maëlys", "Samira", "Chloé", "Aminata")

POOL = (
    dict(title="Du collège au CAP cuisine, sans lâcher", person="Yanis", age=19, is_local=True,
         summary="Il ne savait pas quoi faire après la 3e. Un stage au restaurant du quartier "
                 "lui a donné une direction.",
         body="Yanis a poussé la porte du point information jeunesse pour trouver un stage. "
              "Trois semaines plus tard, il savait qu'il voulait cuisiner.\n\n"
              "Aujourd'hui en CAP, il conseille : « Demande, même si tu crois que c'est pas pour "
              "toi. »"),
    dict(title="Un service civique à l'autre bout de la France", person="Mehdi", age=23,
         is_local=False, place="Marseille",
         summary="Huit mois dans une association de quartier, et l'envie de travailler dans "
                 "le social.",
         body="Mehdi a fait son service civique dans une association d'aide aux devoirs. "
              "Il prépare maintenant le concours d'éducateur spécialisé."),
    dict(title="Animatrice l'été, étudiante en STAPS l'hiver", person="Lina", age=20,
         is_local=True,
         summary="Le BAFA payé en partie par la ville, puis trois étés au centre de loisirs.",
         body="Lina a passé son BAFA à 17 ans avec l'aide de la ville. Depuis, elle anime "
              "chaque été et finance ainsi ses études de sport.\n\n"
              "« Le plus dur, c'était d'oser envoyer le premier mail. »"),
    dict(title="Reprendre ses études à 22 ans", person="Kevin", age=22, is_local=True,
         summary="Après deux ans de petits boulots, il prépare un BTS en alternance.",
         body="Kevin pensait que c'était trop tard. Sa conseillère de la Mission locale lui a "
              "montré qu'il pouvait être payé pendant sa formation.\n\n"
              "Il finit sa première année de BTS maintenance, et son patron veut le garder."),
    dict(title="Son premier appart à 19 ans", person="Jade", age=19, is_local=True,
         summary="Une place en foyer de jeunes travailleurs, puis un studio grâce à l'aide au "
                 "logement.",
         body="Jade a quitté le domicile familial pour son apprentissage. L'aide au logement "
              "et le coup de pouce de la ville ont payé la caution.\n\n"
              "Son conseil : « Fais la demande d'APL dès le premier mois, c'est rétroactif "
              "seulement un peu. »"),
    dict(title="Six mois à Valence avec Erasmus+", person="Rayan", age=21, is_local=True,
         summary="Un stage dans un atelier vélo en Espagne, sans parler espagnol au départ.",
         body="Rayan n'était jamais parti seul. Avec le PIJ, il a monté son dossier Erasmus+ "
              "et l'aide au stage à l'étranger.\n\n"
              "Il est revenu avec un métier en tête et l'envie de repartir."),
    dict(title="Créer sa marque de vêtements depuis sa chambre", person="Aïssatou", age=24,
         is_local=False, place="Lille",
         summary="Un prêt d'honneur et un incubateur pour lancer une petite marque.",
         body="Aïssatou dessinait ses vêtements depuis le lycée. Un prêt d'honneur à taux zéro "
              "lui a permis d'acheter ses premières machines.\n\n"
              "Elle vend aujourd'hui sur les marchés et en ligne."),
    dict(title="Du foot de quartier au diplôme d'entraîneur", person="Sofiane", age=20,
         is_local=True,
         summary="Il encadre les moins de 11 ans du club et passe son diplôme fédéral.",
         body="Sofiane jouait au city-stade tous les soirs. L'éducateur du club lui a proposé "
              "d'aider à l'entraînement des petits.\n\n"
              "Le club finance sa formation ; il rêve d'en faire son métier."),
    dict(title="Oser parler de sa santé mentale", person="Emma", age=18, is_local=True,
         summary="Des mois difficiles en terminale, et une psychologue gratuite à deux rues.",
         body="Emma ne dormait plus avant le bac. Une amie lui a parlé du point accueil écoute "
              "jeunes.\n\n"
              "« Je pensais que c'était pour les gens qui vont vraiment mal. C'était pour moi "
              "aussi. »"),
)  # fmt: skip


def stories_for(city: City) -> list[dict]:
    """The permis story, told by someone of this city, and two stories of the pool."""
    rng = random.Random(f"stories:{city.slug}")  # noqa: S311 - demo data
    person = rng.choice(PERMIS_PEOPLE)
    permis = {
        **PERMIS,
        "person": person,
        "body": PERMIS["body"].format(person=person, ville=city.name),
    }
    return [permis, *rng.sample(POOL, 2)]


def _give_photo(story: Inspiration, city: City) -> None:
    if story.photo:
        return
    svg = scene_svg(f"{city.slug}:{story.title}", title=story.title)
    story.photo.save("illustration.svg", ContentFile(svg.encode()), save=False)
    story.photo_caption = PHOTO_CAPTION
    story.save(update_fields=["photo", "photo_caption"])


def portal_demo_seed(city: City, *, youth_email: str) -> None:
    """Publish the city's demo stories; register the demo young person to the next events."""
    now = timezone.now()
    for story in stories_for(city):
        inspiration, _ = Inspiration.objects.get_or_create(
            title=story["title"],
            defaults={
                **story,
                "place": story.get("place", city.name),
                "status": InspirationStatus.PUBLISHED,
                "published_at": now,
            },
        )
        _give_photo(inspiration, city)
    youth = User.objects.filter(email=youth_email).first()
    if youth is None:
        return
    events = upcoming_events(limit=3)
    for event in events[:2]:
        registration_create(user=youth, offer_id=event.pk)
    for event in events[2:]:
        Save.objects.get_or_create(user=youth, offer_id=event.pk)


def saves_demo_seed(saves: Iterable[tuple[int, object, bool, datetime]]) -> int:
    """Offers the synthetic young people kept: (user id, offer id, is national, when)."""
    rows = [Save(user_id=u, offer_id=o, is_national=n, saved_at=at) for u, o, n, at in saves]
    Save.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def registrations_demo_seed(
    registrations: Iterable[tuple[int, object, datetime, datetime | None]],
) -> int:
    """Places the synthetic young people took at events: (user id, event id, when, attended
    at or None), numbered in order of arrival per event after the places already taken."""
    rows = sorted(registrations, key=lambda r: (str(r[1]), r[2]))
    taken: dict = {}
    for offer_id, position in Registration.objects.values_list("offer_id", "position"):
        taken[offer_id] = max(taken.get(offer_id, 0), position)
    new = []
    for user_id, offer_id, at, attended in rows:
        taken[offer_id] = taken.get(offer_id, 0) + 1
        new.append(
            Registration(
                user_id=user_id, offer_id=offer_id, status="registered",
                position=taken[offer_id], created_at=at, attended_at=attended,
            )
        )  # fmt: skip
    Registration.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


def stories_share_demo_seed(city: City, *, staff_email: str) -> bool:
    """Share the city's permis story with the network, as its staff would: link it to the
    city's permis aid, record the young person's consent, share. Returns True when it is
    shared. Runs in the city's schema, after the catalogue and portal_demo_seed."""
    from tenant_apps.audit.models import StaffAuditEntry
    from tenant_apps.catalogue.models import Offer

    from .services import inspiration_consent_record, inspiration_share, inspiration_update

    staff = User.objects.filter(email=staff_email).first()
    story = Inspiration.objects.filter(title=PERMIS["title"]).first()
    if staff is None or story is None or story.status != InspirationStatus.PUBLISHED:
        return False
    taken_back = StaffAuditEntry.objects.filter(
        object_type="inspiration", object_id=str(story.pk), action__in=TAKEN_BACK
    ).exists()
    if story.shared or taken_back:
        return story.shared
    offer = Offer.objects.filter(source="demo", external_id=PERMIS_OFFER).first()
    if offer is not None and str(offer.pk) not in (story.offer_ids or []):
        story = inspiration_update(
            by=staff, inspiration=story, offer_ids=[*(story.offer_ids or []), str(offer.pk)]
        )
    if story.consent_at is None:
        story = inspiration_consent_record(by=staff, inspiration=story, given=True)
    inspiration_share(by=staff, inspiration=story)
    return True
