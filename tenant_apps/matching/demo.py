"""Demo data for matching: the city's advisors and mentors (a short presentation and an
illustrated portrait each), their open slots, the profile of the demo young person, and the
rights the synthetic young people said they asked for.

The demo young person is the persona of issue 5: 19, looking for a job, living in a QPV of the
city, no driving licence, mobility as a frein — so « mes droits » and « pour toi » say something.
Idempotent; called by tremplin.demo inside the city's schema.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from kernel.clock import local_today
from kernel.illustrations import avatar_svg

from shared_apps.accounts.models import User
from tenant_apps.youth.models import Neighbourhood, YouthProfile

from .models import Advisor, RightClaim, Slot
from .services import advisor_create, notification_settings_for, slot_create

PHOTO_CAPTION = "Illustration : ce n'est pas une photo de la personne."
PER_CITY = 5

# A pool of people; each city meets a few of them (seeded by its slug). {ville} is the city.
ADVISORS = (
    dict(
        kind="advisor", display_name="Awa", organisation="Mission locale de {ville}",
        job_title="Conseillère emploi", formats=["individuel", "en_ligne"],
        bio="Je t'aide à trouver un job, une formation ou une alternance, et à faire tes "
        "démarches (CV, inscription, aides). On avance à ton rythme, sans jugement.",
        topics=["trouver-un-emploi", "choisir-un-metier", "se-former"],
        freins=["administratif", "confiance", "argent"], languages=["français", "anglais"],
    ),
    dict(
        kind="mentor", display_name="Karim", organisation="Garage solidaire de {ville}",
        job_title="Mécanicien", formats=["cafe", "collectif"],
        bio="Mécano depuis 12 ans, je te raconte le métier autour d'un café, et comment je "
        "suis passé de l'apprentissage à chef d'atelier.",
        topics=["mobilite", "trouver-un-emploi"], freins=["mobilite"],
        languages=["français", "arabe"],
    ),
    dict(
        kind="advisor", display_name="Sophie", organisation="Point information jeunesse de {ville}",
        job_title="Informatrice jeunesse", formats=["individuel", "collectif"],
        bio="Orientation, logement, jobs d'été, départ à l'étranger : si je n'ai pas la "
        "réponse, je sais qui l'a. Viens sans rendez-vous le mercredi.",
        topics=["choisir-un-metier", "logement-hebergement", "souvrir-a-linternational"],
        freins=["logement", "administratif"], languages=["français", "espagnol"],
    ),
    dict(
        kind="advisor", display_name="Moussa", organisation="Centre social de {ville}",
        job_title="Travailleur social", formats=["individuel", "collectif"],
        bio="Papiers, CAF, dettes, logement : on fait le point ensemble sur ce qui bloque et "
        "on s'occupe des démarches une par une.",
        topics=["difficultes-administratives-ou-juridiques", "logement-hebergement"],
        freins=["administratif", "argent", "logement"],
        languages=["français", "soninké", "bambara"],
    ),
    dict(
        kind="mentor", display_name="Inès", organisation="Pharmacie du marché",
        job_title="Pharmacienne", formats=["cafe", "en_ligne"],
        bio="J'ai grandi dans le quartier et fait sept ans d'études de pharmacie. Je te dis "
        "tout sur les métiers de la santé, les concours et comment tenir le rythme.",
        topics=["sante", "se-former", "choisir-un-metier"], freins=["confiance"],
        languages=["français", "arabe"],
    ),
    dict(
        kind="mentor", display_name="Thomas", organisation="Agence de développement web",
        job_title="Développeur web", formats=["en_ligne", "collectif"],
        bio="Reconverti à 24 ans après une formation intensive, je t'explique comment on "
        "apprend à coder, seul·e ou en formation, et comment on décroche son premier poste.",
        topics=["numerique", "se-former"], freins=["numerique", "confiance"],
        languages=["français", "anglais"],
    ),
    dict(
        kind="advisor", display_name="Nadia", organisation="Point accueil écoute jeunes de {ville}",
        job_title="Psychologue", formats=["individuel", "en_ligne"],
        bio="Stress, sommeil, conflits, idées noires : tu peux m'en parler, gratuitement et "
        "sans que personne ne le sache. On cherche ensemble ce qui peut t'aider.",
        topics=["sante--sante-mentale", "sante"], freins=["sante", "confiance"],
        languages=["français"],
    ),
    dict(
        kind="mentor", display_name="Fatou", organisation="Crèche municipale de {ville}",
        job_title="Auxiliaire de puériculture", formats=["cafe"],
        bio="Maman à 20 ans, j'ai repris une formation en alternance. Je te raconte comment "
        "j'ai tout concilié, et les aides qui m'ont permis de le faire.",
        topics=["se-former", "trouver-un-emploi"], freins=["garde_enfant", "argent"],
        languages=["français", "wolof"],
    ),
    dict(
        kind="advisor", display_name="Julien", organisation="Club omnisports de {ville}",
        job_title="Éducateur sportif", formats=["collectif", "individuel"],
        bio="Sport, diplômes d'animateur et d'entraîneur, service civique : je t'aide à faire "
        "de ta passion un projet, et à trouver le club qui te va.",
        topics=["sport", "engagement"], freins=["confiance", "argent"],
        languages=["français", "portugais"],
    ),
)  # fmt: skip


def _advisors_for(city_slug: str) -> list[dict]:
    """The pool's people for this city: at least one advisor and one mentor."""
    rng = random.Random(f"advisors:{city_slug}")  # noqa: S311 - demo data
    chosen = rng.sample(ADVISORS, PER_CITY)
    for kind in ("advisor", "mentor"):
        if not any(a["kind"] == kind for a in chosen):
            chosen[-1] = next(a for a in ADVISORS if a["kind"] == kind and a not in chosen)
    return chosen


def _next_slots(advisor: Advisor, rng: random.Random, days: int = 14) -> None:
    today = local_today()
    hour = rng.choice([10, 14, 16])
    weekdays = set(rng.sample(range(5), 3))
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        start = timezone.make_aware(datetime.combine(day, time(hour, 0)))
        if not Slot.objects.filter(advisor=advisor, starts_at=start).exists():
            slot_create(
                advisor=advisor, starts_at=start, ends_at=start + timedelta(minutes=45),
                format=advisor.formats[0],
            )  # fmt: skip


def _give_photo(advisor: Advisor, city_slug: str) -> None:
    if advisor.photo:
        return
    svg = avatar_svg(advisor.display_name, seed=f"{city_slug}:{advisor.display_name}")
    advisor.photo.save(f"{advisor.display_name.lower()}.svg", ContentFile(svg.encode()), False)
    advisor.photo_caption = PHOTO_CAPTION
    advisor.save(update_fields=["photo", "photo_caption"])


def advisors_demo_seed(*, city) -> list[Advisor]:
    """The city's advisors and mentors, each with a portrait and slots in the next two weeks."""
    rng = random.Random(f"slots:{city.slug}")  # noqa: S311 - demo data
    advisors = []
    for fields in _advisors_for(city.slug):
        advisor = Advisor.objects.filter(display_name=fields["display_name"]).first()
        if advisor is None:
            advisor = advisor_create(
                **{**fields, "organisation": fields["organisation"].format(ville=city.name)}
            )
        _give_photo(advisor, city.slug)
        _next_slots(advisor, rng)
        advisors.append(advisor)
    return advisors


def advisor_account_demo_link(*, city, advisors: list[Advisor]) -> Advisor | None:
    """`conseiller@<slug>.demo` (seeded with the team) keeps the first advisor's agenda."""
    account = User.objects.filter(email=f"conseiller@{city.slug}.demo").first()
    if account is None:
        return None
    linked = Advisor.objects.filter(user=account).first()
    if linked is not None:
        return linked
    advisor = next((a for a in advisors if a.kind == "advisor" and a.user_id is None), None)
    if advisor is not None:
        advisor.user = account
        advisor.save(update_fields=["user"])
    return advisor


def matching_demo_seed(*, youth_email: str, city=None) -> None:
    if city is not None:
        advisor_account_demo_link(city=city, advisors=advisors_demo_seed(city=city))
    user = User.objects.filter(email=youth_email).first()
    if user is None:
        return
    hood = Neighbourhood.objects.filter(is_qpv=True).order_by("position").first()
    today = local_today()
    YouthProfile.objects.get_or_create(
        user=user,
        defaults=dict(
            birth_date=date(today.year - 19, 3, 14),
            situation="demandeur_emploi",
            diploma_level="cap_bep",
            neighbourhood=hood,
            interests=["trouver-un-emploi", "sport", "mobilite"],
            freins=["mobilite", "argent"],
            has_driving_licence=False,
            boursier=False,
            looking_for=["emploi", "permis"],
        ),
    )
    row = notification_settings_for(user=user)
    if not row.weekly_digest:
        row.weekly_digest = True
        row.save(update_fields=["weekly_digest"])


def claims_demo_seed(claims: Iterable[tuple[int, uuid.UUID, datetime]]) -> int:
    """Rights the synthetic young people said they asked for: (user id, aid id, when)."""
    rows = [RightClaim(user_id=u, offer_id=o, claimed_at=at) for u, o, at in claims]
    RightClaim.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)
