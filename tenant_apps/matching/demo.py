"""Demo data for matching: two advisors with open slots, and a profile for the demo young person.

The demo young person is the persona of issue 5: 19, looking for a job, living in a QPV of the
city, no driving licence, mobility as a frein — so « mes droits » and « pour toi » say something.
Idempotent; called by tremplin.demo.demo_seed inside the city's schema.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from kernel.clock import local_today

from shared_apps.accounts.models import User
from tenant_apps.youth.models import Neighbourhood, YouthProfile

from .models import Advisor, Slot
from .services import advisor_create, notification_settings_for, slot_create

ADVISORS = (
    dict(
        kind="advisor", display_name="Awa", organisation="Mission locale",
        job_title="Conseillère emploi", formats=["individuel", "en_ligne"],
        bio="Je t'aide à trouver un job, une formation ou une alternance, et à faire tes "
        "démarches (CV, inscription, aides).",
        topics=["trouver-un-emploi", "choisir-un-metier", "se-former"],
        freins=["administratif", "confiance", "argent"], languages=["français", "anglais"],
    ),
    dict(
        kind="mentor", display_name="Karim", organisation="Garage solidaire",
        job_title="Mécanicien", formats=["cafe", "collectif"],
        bio="Mécano depuis 12 ans, je te raconte le métier autour d'un café, et comment je "
        "suis passé de l'apprentissage à chef d'atelier.",
        topics=["mobilite", "trouver-un-emploi"], freins=["mobilite"],
        languages=["français", "arabe"],
    ),
)  # fmt: skip


def _next_slots(advisor: Advisor, days: int = 10) -> None:
    today = local_today()
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        start = timezone.make_aware(datetime.combine(day, time(14, 0)))
        if not Slot.objects.filter(advisor=advisor, starts_at=start).exists():
            slot_create(
                advisor=advisor, starts_at=start, ends_at=start + timedelta(minutes=45),
                format=advisor.formats[0],
            )  # fmt: skip


def matching_demo_seed(*, youth_email: str) -> None:
    for fields in ADVISORS:
        advisor = Advisor.objects.filter(display_name=fields["display_name"]).first()
        if advisor is None:
            advisor = advisor_create(**fields)
        _next_slots(advisor)
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
