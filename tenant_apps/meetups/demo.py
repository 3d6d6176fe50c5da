"""Demo of « Adopte un pro » (`manage.py up --demo`), in each demo city:

- « Adopte un pro : les métiers près de chez toi », in ten days: four pros (the demo partner
  and advisor, and two more partner accounts of local trades), synthetic young people already
  registered with their choices; the demo young person (Sam) is registered and chooses.
- The same format a month ago, its schedule sent: Sam met two pros, and one of them asked
  to meet Sam again, so « Moi aussi » is there to try; the advisor is the referent.

Idempotent: the events are found by (source, external_id), a meeting or a pro is never added
twice, the past schedule is only built once. Nobody is e-mailed by the seed.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone
from kernel.clock import local_today

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import user_create
from tenant_apps.catalogue.models import Offer, OfferKind, OfferStatus, PartnerMembership
from tenant_apps.catalogue.services import offer_refresh_search
from tenant_apps.matching.models import Advisor
from tenant_apps.portal.models import Registration, RegistrationStatus
from tenant_apps.portal.services import registration_create

from . import services
from .models import Choice, FollowUp, FollowUpSide, Pro, Rendezvous, SpeedMeeting

SOURCE = "demo-meetups"
# (login before @<slug>.demo, pseudonym, job title, what they tell)
EXTRA_PROS = (
    ("pro-boulangerie", "Karima (boulangère)", "Boulangère",
     "Je me lève à 4 h et j'adore ça : je t'explique le CAP et l'apprentissage."),
    ("pro-chantier", "Julien (chef de chantier)", "Chef de chantier",
     "Du CAP maçon à chef d'équipe en six ans : le BTP recrute, je te dis comment."),
)  # fmt: skip
PITCHES = {
    Role.PARTNER: "J'accompagne des jeunes tous les jours : viens me demander comment on fait.",
    Role.ADVISOR: "Je t'aide à trouver ta voie : formation, emploi, aides. Pose-moi tout.",
}
SETTINGS = {"rounds": 6, "round_minutes": 10, "break_minutes": 2, "choices_max": 3}


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _event(external_id: str, *, title: str, starts_at: datetime, city) -> Offer:
    offer = Offer.objects.filter(source=SOURCE, external_id=external_id).first()
    if offer is not None:
        return offer
    partner = PartnerMembership.objects.filter(user__email=f"partenaire@{city.slug}.demo").first()
    offer = Offer(
        source=SOURCE,
        external_id=external_id,
        kind=OfferKind.EVENEMENT,
        title=title,
        summary="Des rencontres de 10 minutes avec des pros de la ville : tu choisis qui.",
        body="Boulangère, chef de chantier, animatrice, conseiller emploi… Chaque pro tient "
        "une table ; toutes les 12 minutes, tu changes. Inscris-toi, choisis jusqu'à trois "
        "pros, et reçois ton planning quelques jours avant.",
        themes=["trouver-un-emploi"],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=40,
        is_free=True,
        address=partner.structure.address if partner and partner.structure.address else "",
        structure=partner.structure if partner else None,
        status=OfferStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    offer_refresh_search(offer)
    offer.full_clean()
    offer.save()
    return offer


def _pros(city, *, password: str) -> list[User]:
    accounts = [
        User.objects.filter(email=f"{login}@{city.slug}.demo").first()
        for login in ("partenaire", "conseiller")
    ]
    for login, name, _job, _pitch in EXTRA_PROS:
        email = f"{login}@{city.slug}.demo"
        user = User.objects.filter(email=email).first() or user_create(
            email=email, role=Role.PARTNER, password=password, display_name=name,
            validate_password_strength=False,
        )  # fmt: skip
        accounts.append(user)
    return [user for user in accounts if user is not None]


def _meeting(offer: Offer, *, admin: User, pros: list[User], referent) -> SpeedMeeting:
    meeting = SpeedMeeting.objects.filter(offer=offer).first() or services.speed_meeting_save(
        by=admin, offer_id=offer.pk, values=SETTINGS, referent_id=referent.pk if referent else None
    )
    extra = {f"{login}@": (job, pitch) for login, _name, job, pitch in EXTRA_PROS}
    for user in pros:
        if Pro.objects.filter(meeting=meeting, user=user).exists():
            continue
        job, pitch = next(
            (v for prefix, v in extra.items() if user.email.startswith(prefix)),
            (
                "Animatrice jeunesse" if user.role == Role.PARTNER else "Conseiller emploi",
                PITCHES[user.role],
            ),
        )
        number = Pro.objects.filter(meeting=meeting).count() + 1
        name = (user.display_name or "").split(" (")[0]  # « Lucie (association…) » → Lucie
        services.pro_add(
            by=admin, meeting_id=meeting.pk, user_id=user.pk,
            fields={"job_title": job, "pitch": pitch, "table": f"Table {number}",
                    "display_name": name},
        )  # fmt: skip
    return meeting


def _choose(meeting: SpeedMeeting, people: list[User], rng: random.Random) -> None:
    pros = list(Pro.objects.filter(meeting=meeting).values_list("pk", flat=True))
    for person in people:
        if Choice.objects.filter(meeting=meeting, user=person).exists():
            continue
        picks = rng.sample(pros, min(len(pros), rng.randint(1, meeting.choices_max)))
        services.choices_set(user=person, meeting_id=meeting.pk, pro_ids=picks)


def meetups_demo_seed(city, *, password: str, youth_email: str) -> None:
    admin = User.objects.get(email=f"staff@{city.slug}.demo")
    sam = User.objects.filter(email=youth_email).first()
    referent = Advisor.objects.filter(user__email=f"conseiller@{city.slug}.demo").first()
    pros = _pros(city, password=password)
    rng = random.Random(f"meetups:{city.slug}")  # noqa: S311 - demo data
    synthetic = list(
        User.objects.filter(role=Role.YOUTH, email__endswith="@synthetique.demo").order_by("pk")[
            :40
        ]
    )
    today = local_today()
    # Upcoming: choices open.
    upcoming = _event(
        "upcoming", title="Adopte un pro : les métiers près de chez toi",
        starts_at=_at(today + timedelta(days=10), 14), city=city,
    )  # fmt: skip
    meeting = _meeting(upcoming, admin=admin, pros=pros, referent=referent)
    crowd = rng.sample(synthetic, min(len(synthetic), 14))
    for person in [*crowd, *([sam] if sam else [])]:
        registration_create(user=person, offer_id=upcoming.pk)
    _choose(meeting, crowd, rng)
    # A month ago: the schedule was sent, the pros met their young people.
    past = _event(
        "past", title="Adopte un pro : édition d'automne",
        starts_at=_at(today - timedelta(days=30), 14), city=city,
    )  # fmt: skip
    done = _meeting(past, admin=admin, pros=pros, referent=referent)
    if done.schedule_sent_at:
        return
    people = [*([sam] if sam else []), *rng.sample(synthetic, min(len(synthetic), 10))]
    position = Registration.objects.filter(offer=past).aggregate(m=Max("position"))["m"] or 0
    for person in people:
        if not Registration.objects.filter(offer=past, user=person).exists():
            position += 1
            Registration.objects.create(
                user=person, offer=past, status=RegistrationStatus.REGISTERED, position=position,
                created_at=past.starts_at - timedelta(days=7), attended_at=past.starts_at,
            )  # fmt: skip
    tables = list(Pro.objects.filter(meeting=done).order_by("pk"))
    for person in people:
        picks = tables[:2] if person == sam else rng.sample(tables, min(len(tables), 3))
        Choice.objects.filter(meeting=done, user=person).delete()
        Choice.objects.bulk_create(
            Choice(meeting=done, pro=pro, user=person, rank=rank)
            for rank, pro in enumerate(picks, start=1)
        )
    services.schedule_build(by=admin, meeting_id=done.pk)
    SpeedMeeting.objects.filter(pk=done.pk).update(schedule_sent_at=past.starts_at - timedelta(3))
    first = Rendezvous.objects.filter(meeting=done, user=sam).order_by("round").first()
    if first is not None:  # the pro asked to see Sam again: Sam can answer « Moi aussi »
        FollowUp.objects.get_or_create(rendezvous=first, side=FollowUpSide.PRO)
