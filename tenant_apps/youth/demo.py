"""Synthetic young people for the demo: a few hundred accounts per city with believable
profiles (age, situation and diploma that go together, a neighbourhood, interests, freins,
money and housing answers), written in bulk. Nobody can sign in with them (no password).

Deterministic: the same city and day give the same people. Called by tremplin.demo inside the
city's schema, once (the caller checks `synthetic_youth_exist`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from shared_apps.accounts.models import Role, User

from .choices import TERMS_VERSION, ConsentKind
from .models import Consent, Neighbourhood, YouthProfile

# Their addresses end like this: how the demo finds them again (and never sends them mail).
SYNTHETIC_DOMAIN = "synthetique.demo"
FIRST_NAMES = (
    "Adam", "Aya", "Ilyes", "Inaya", "Lucas", "Léa", "Mohamed", "Emma", "Noah", "Fatoumata",
    "Rayan", "Jade", "Sami", "Chloé", "Moussa", "Yasmine", "Enzo", "Mariam", "Hugo", "Sarah",
    "Ibrahim", "Lina", "Théo", "Kenza", "Amadou", "Manon", "Ismaël", "Nour", "Nathan", "Assia",
)  # fmt: skip
THEMES = (
    "trouver-un-emploi", "se-former", "mobilite--preparer-un-permis", "logement-hebergement",
    "sport", "culture", "loisirs", "sante", "numerique", "engagement", "choisir-un-metier",
    "preparer-sa-candidature", "equipement-et-alimentation", "souvrir-a-linternational",
)  # fmt: skip
# What each situation tends to look for, care about and be held back by.
LEANINGS = {
    "collegien": (["loisirs", "sport", "culture", "choisir-un-metier"], ["confiance"]),
    "lyceen": (["choisir-un-metier", "se-former", "sport", "culture", "loisirs"],
               ["confiance", "argent"]),
    "etudiant": (["logement-hebergement", "trouver-un-emploi", "souvrir-a-linternational",
                  "culture", "sante"], ["argent", "logement", "sante"]),
    "apprenti": (["mobilite--preparer-un-permis", "logement-hebergement", "se-former"],
                 ["mobilite", "argent"]),
    "alternant": (["mobilite--preparer-un-permis", "logement-hebergement", "trouver-un-emploi"],
                  ["mobilite", "logement"]),
    "stagiaire": (["trouver-un-emploi", "preparer-sa-candidature", "mobilite"],
                  ["mobilite", "argent"]),
    "salarie": (["logement-hebergement", "mobilite--preparer-un-permis", "sport", "loisirs"],
                ["logement", "mobilite"]),
    "independant": (["trouver-un-emploi", "numerique"], ["argent", "administratif"]),
    "demandeur_emploi": (["trouver-un-emploi", "preparer-sa-candidature",
                          "mobilite--preparer-un-permis", "se-former"],
                         ["mobilite", "argent", "confiance", "administratif", "numerique"]),
    "service_civique": (["engagement", "choisir-un-metier", "se-former"], ["argent"]),
    "sans_activite": (["trouver-un-emploi", "sante", "equipement-et-alimentation"],
                      ["confiance", "sante", "administratif", "argent", "garde_enfant", "langue"]),
}  # fmt: skip
LOOKING_FOR = {
    "trouver-un-emploi": "emploi", "preparer-sa-candidature": "emploi", "se-former": "formation",
    "choisir-un-metier": "formation", "logement-hebergement": "logement",
    "mobilite--preparer-un-permis": "permis", "sport": "sorties", "culture": "sorties",
    "loisirs": "sorties", "engagement": "engagement", "sante": "sante",
}  # fmt: skip


@dataclass(frozen=True)
class SyntheticPerson:
    """What the activity simulation needs to know of one synthetic young person."""

    user_id: int
    joined: date
    situation: str
    interests: tuple[str, ...]
    freins: tuple[str, ...]
    age: int
    engagement: float  # 0..1: how often they come back


def synthetic_youth_exist() -> bool:
    return User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}").exists()


def _situation(rng: random.Random, age: int) -> str:
    if age <= 15:
        return rng.choices(["collegien", "lyceen"], [2, 8])[0]
    if age <= 17:
        return rng.choices(["lyceen", "apprenti", "sans_activite"], [80, 14, 6])[0]
    if age <= 19:
        options = ["lyceen", "etudiant", "apprenti", "demandeur_emploi", "service_civique",
                   "salarie", "sans_activite", "stagiaire"]  # fmt: skip
        return rng.choices(options, [14, 34, 12, 16, 5, 7, 7, 5])[0]
    options = ["etudiant", "salarie", "demandeur_emploi", "alternant", "apprenti",
               "independant", "service_civique", "sans_activite", "stagiaire"]  # fmt: skip
    return rng.choices(options, [26, 24, 20, 8, 4, 3, 3, 8, 4])[0]


def _diploma(rng: random.Random, age: int, situation: str) -> str:
    if situation in ("collegien",) or age <= 15:
        return "aucun"
    if situation == "lyceen":
        return rng.choice(["aucun", "brevet"])
    if situation == "etudiant":
        return "bac" if age <= 20 else rng.choice(["bac", "bac_2", "bac_3"])
    if age <= 18:
        return rng.choices(["aucun", "brevet", "cap_bep"], [3, 4, 3])[0]
    return rng.choices(["aucun", "brevet", "cap_bep", "bac", "bac_2", "bac_3", "bac_5"],
                       [10, 12, 20, 30, 14, 9, 5])[0]  # fmt: skip


def _money(rng: random.Random, age: int, situation: str) -> dict:
    """Income, housing and rent answers (a third say nothing about money)."""
    if rng.random() < 0.33:
        return {}
    income = {
        "salarie": (950, 1850), "apprenti": (480, 1100), "alternant": (750, 1350),
        "independant": (300, 1600), "service_civique": (620, 650), "stagiaire": (0, 650),
        "etudiant": (0, 700), "demandeur_emploi": (0, 550),
    }.get(situation, (0, 0))  # fmt: skip
    answers: dict = {"net_income_monthly": Decimal(rng.randint(*income) // 10 * 10)}
    if age < 20 or situation in ("lyceen", "collegien"):
        housing = rng.choices(["parents", "heberge_gratuitement", "locataire_foyer"], [85, 9, 6])[0]
    else:
        housing = rng.choices(
            ["parents", "locataire_vide", "locataire_meuble", "locataire_foyer",
             "heberge_gratuitement", "sans_domicile"],
            [52, 16, 12, 9, 9, 2],
        )[0]  # fmt: skip
    answers["housing_status"] = housing
    if housing.startswith("locataire"):
        answers["rent_monthly"] = Decimal(rng.randint(35, 80) * 10)
    answers["lives_with_partner"] = age >= 20 and rng.random() < 0.15
    return answers


def _neighbourhood_weights(neighbourhoods: list[Neighbourhood]) -> list[float]:
    """Roughly half outside the priority neighbourhoods; the QPV share the rest."""
    qpvs = [n for n in neighbourhoods if n.is_qpv]
    outside = max(1, len(neighbourhoods) - len(qpvs))  # one per commune in a territory
    return [0.55 / len(qpvs) if n.is_qpv else 0.45 / outside for n in neighbourhoods]


def _birth_date(rng: random.Random, age: int, today: date) -> date:
    return today - timedelta(days=365 * age + rng.randint(1, 364))


def _joined(rng: random.Random, today: date) -> date:
    """A fifth came before the year shown; the others joined over it, more of them lately."""
    if rng.random() < 0.2:
        return today - timedelta(days=rng.randint(366, 700))
    return today - timedelta(days=int(rng.triangular(0, 365, 60)))


def synthetic_youth_seed(*, city_slug: str, count: int, today: date) -> list[SyntheticPerson]:
    """Create `count` synthetic young people in the current city, in bulk."""
    rng = random.Random(f"youth:{city_slug}")  # noqa: S311 - demo data
    neighbourhoods = list(Neighbourhood.objects.order_by("position", "code"))
    weights = _neighbourhood_weights(neighbourhoods)
    territory = bool(getattr(connection.tenant, "is_territory", False))
    unusable = make_password(None)
    users, profiles, people = [], [], []
    for n in range(1, count + 1):
        age = rng.choices(range(15, 26), [5, 7, 9, 11, 12, 12, 11, 10, 9, 8, 6])[0]
        situation = _situation(rng, age)
        likes, holds = LEANINGS[situation]
        interests = rng.sample(likes, min(len(likes), rng.randint(1, 3)))
        interests += rng.sample([t for t in THEMES if t not in interests], rng.randint(0, 2))
        freins = rng.sample(holds, min(len(holds), rng.choices([0, 1, 2, 3], [20, 40, 28, 12])[0]))
        joined = _joined(rng, today)
        at = timezone.make_aware(datetime.combine(joined, time(rng.randint(8, 22))))
        users.append(
            User(
                email=f"jeune-{n:04d}@{SYNTHETIC_DOMAIN}", role=Role.YOUTH,
                display_name=rng.choice(FIRST_NAMES), password=unusable, date_joined=at,
            )
        )  # fmt: skip
        licence = None if age < 17 else rng.random() < (0.15 if age < 20 else 0.45)
        profiles.append(
            dict(
                birth_date=_birth_date(rng, age, today), situation=situation,
                diploma_level=_diploma(rng, age, situation),
                neighbourhood=rng.choices(neighbourhoods, weights)[0] if neighbourhoods else None,
                interests=interests, freins=freins, has_driving_licence=licence,
                boursier=(rng.random() < 0.4) if situation in ("lyceen", "etudiant") else None,
                looking_for=sorted({LOOKING_FOR[i] for i in interests if i in LOOKING_FOR}),
                email_verified_at=at if rng.random() < 0.85 else None,
                **_money(rng, age, situation),
            )
        )  # fmt: skip
        if territory and profiles[-1]["neighbourhood"] is not None:
            # In a territory, the commune of their quartier (what the diagnostic filters on).
            profiles[-1]["commune_insee"] = profiles[-1]["neighbourhood"].commune_insee
        people.append((joined, situation, tuple(interests), tuple(freins), age))
    created = User.objects.bulk_create(users, batch_size=1000)
    YouthProfile.objects.bulk_create(
        [YouthProfile(user=user, **fields) for user, fields in zip(created, profiles, strict=True)],
        batch_size=1000,
    )
    Consent.objects.bulk_create(
        [
            Consent(user=user, kind=ConsentKind.TERMS, version=TERMS_VERSION,
                    given_at=user.date_joined)
            for user in created
        ],
        batch_size=1000,
    )  # fmt: skip
    engagement = random.Random(f"engagement:{city_slug}")  # noqa: S311 - demo data
    return [
        SyntheticPerson(user.pk, *fields, engagement=engagement.betavariate(1.3, 3.0))
        for user, fields in zip(created, people, strict=True)
    ]
