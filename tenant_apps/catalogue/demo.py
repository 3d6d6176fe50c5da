"""Demo catalogue content, written for Tremplin (no third-party prose). Idempotent: rows are
upserted by (source="demo", external_id)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from kernel.clock import local_now

from .importers.base import ImportReport, Upserter
from .models import Offer, Structure

DEMO_STRUCTURES = [
    ("Mission locale", "mission_locale", "Emploi et formation des 16-25 ans."),
    ("Point information jeunesse", "pij", "Infos, conseils et ordinateurs en accès libre."),
    ("Club omnisports", "club", "Une vingtaine de sports, licences à prix réduit pour les jeunes."),
    ("Service jeunesse de la ville", "service_municipal", "Projets, séjours et bourses jeunes."),
    ("Centre social", "centre_social", "Soutien scolaire, ateliers et sorties en famille."),
]  # fmt: skip
KIND_IDEAS = {
    "aide": [
        ("Bourse permis de conduire", ["mobilite--preparer-un-permis"], 400),
        ("Aide au BAFA", ["engagement", "se-former"], 250),
        ("Coup de pouce premier logement", ["logement-hebergement"], 300),
        ("Bourse projets jeunes", ["engagement", "citoyennete"], 800),
        ("Aide à l'achat d'un ordinateur", ["numerique"], 200),
        ("Pass sport jeunes", ["sport"], 50),
        ("Aide aux transports", ["mobilite"], 100),
    ],
    "emploi": [
        ("Job d'été animateur·rice", ["trouver-un-emploi", "loisirs"], None),
        ("Agent·e d'accueil à la piscine", ["trouver-un-emploi", "sport"], None),
        ("Équipier·ère en restauration", ["trouver-un-emploi"], None),
        ("Apprenti·e aux espaces verts", ["trouver-un-emploi", "se-former"], None),
        ("Livreur·se à vélo", ["trouver-un-emploi", "mobilite"], None),
        ("Médiateur·rice numérique", ["trouver-un-emploi", "numerique"], None),
    ],
    "formation": [
        ("Atelier CV et lettre de motivation", ["preparer-sa-candidature"], None),
        ("Formation premiers secours (PSC1)", ["se-former", "sante"], None),
        ("Initiation au code informatique", ["se-former", "numerique"], None),
        ("Préparation au code de la route", ["mobilite--preparer-un-permis"], None),
        ("Simulation d'entretien d'embauche", ["preparer-sa-candidature"], None),
    ],
    "evenement": [
        ("Tournoi de futsal", ["sport"], None),
        ("Scène ouverte rap et slam", ["culture"], None),
        ("Forum jobs d'été", ["trouver-un-emploi"], None),
        ("Soirée jeux vidéo", ["loisirs"], None),
        ("Ciné plein air", ["culture", "loisirs"], None),
        ("Chantier nature citoyen", ["engagement", "citoyennete"], None),
    ],
    "bon_plan": [
        ("Places de concert à 5 €", ["culture"], None),
        ("Réduction à la salle d'escalade", ["sport"], None),
        ("Paniers solidaires étudiants", ["equipement-et-alimentation"], None),
        ("Abonnement médiathèque gratuit", ["culture"], None),
        ("Vélos en prêt pour l'été", ["mobilite"], None),
    ],
    "service": [
        ("Permanence santé jeunes", ["sante"], None),
        ("Écoute psychologique gratuite", ["sante--sante-mentale"], None),
        ("Aide aux démarches administratives", ["difficultes-administratives-ou-juridiques"], None),
        ("Accompagnement recherche de logement", ["logement-hebergement"], None),
        ("Conseil en orientation", ["choisir-un-metier"], None),
    ],
}
SUMMARIES = {
    "aide": "Un coup de pouce financier de la ville pour t'aider dans ton projet.",
    "emploi": "Un poste ouvert aux jeunes du quartier, sans expérience exigée.",
    "formation": "Quelques séances en petit groupe pour apprendre concrètement.",
    "evenement": "Viens comme tu es, seul·e ou avec tes potes : c'est gratuit.",
    "bon_plan": "Un bon plan réservé aux jeunes de la ville, dans la limite des places.",
    "service": "Sans rendez-vous ou sur rendez-vous, avec des pros qui t'écoutent.",
}
CENTRES = {"91286": (48.6536, 2.3930), "92036": (48.9256, 2.2955), "93053": (48.8917, 2.4594)}
PER_KIND = 21


def fields_dated(kind: str) -> bool:
    return kind in ("evenement", "formation")


def _structures(city) -> list[Structure]:
    upsert = Upserter(Structure, "demo", search=False)
    report = ImportReport()
    lat, lon = CENTRES.get(city.insee, (48.85, 2.35))
    rng = random.Random(f"structures-{city.insee}")  # noqa: S311 - demo data
    for index, (name, typology, description) in enumerate(DEMO_STRUCTURES):
        upsert(report, name, f"structure-{index}", {
            "name": f"{name} de {city.name}", "typology": typology, "description": description,
            "address": f"{rng.randint(1, 80)} rue de la République, {city.name}",
            "commune": city.name, "commune_insee": city.insee,
            "postal_code": (city.postal_codes or [""])[0],
            "latitude": round(lat + rng.uniform(-0.01, 0.01), 5),
            "longitude": round(lon + rng.uniform(-0.01, 0.01), 5),
            "opening_hours": "Du lundi au vendredi, 9 h à 12 h 30 et 13 h 30 à 18 h",
            "phone": f"01 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00",
            "places_available": rng.randint(0, 25),
        })  # fmt: skip
    return list(Structure.objects.filter(source="demo").order_by("external_id"))


def catalogue_demo_seed(city) -> ImportReport:
    """At least 21 published local offers of every kind, 5 structures, events in the coming
    weeks; varied per city (seeded by its INSEE code). Runs in the city's schema."""
    structures = _structures(city)
    rng = random.Random(city.insee)  # noqa: S311 - demo data
    lat, lon = CENTRES.get(city.insee, (48.85, 2.35))
    today = local_now().replace(hour=0, minute=0, second=0, microsecond=0)
    upsert = Upserter(Offer, "demo")
    report = ImportReport()
    for kind, ideas in KIND_IDEAS.items():
        for n in range(PER_KIND):
            title, themes, amount = ideas[n % len(ideas)]
            edition = n // len(ideas)
            suffix = ["", " - quartier Nord", " - centre-ville", " - été"][edition % 4]
            structure = structures[(n + len(kind)) % len(structures)]
            starts = today + timedelta(days=rng.randint(2, 45), hours=rng.choice([10, 14, 18]))
            fields = {
                "kind": kind,
                "title": f"{title}{suffix}",
                "summary": SUMMARIES[kind],
                "themes": themes,
                "structure": structure,
                "status": "published",
                "age_min": rng.choice([None, 15, 16, 18]),
                "age_max": rng.choice([None, 25, 29]),
                "qpv_priority": rng.random() < 0.3,
                "address": structure.address,
                "commune_insee": city.insee,
                "latitude": round(lat + rng.uniform(-0.02, 0.02), 5),
                "longitude": round(lon + rng.uniform(-0.02, 0.02), 5),
                "is_free": kind != "bon_plan" or rng.random() < 0.5,
                "starts_at": starts if fields_dated(kind) else None,
                "ends_at": starts + timedelta(hours=3)
                if kind in ("evenement", "formation")
                else None,
                "amount_value": Decimal(amount) if amount else None,
                "amount_unit": "€" if amount else "",
                "periodicity": "ponctuelle" if amount else "",
                "capacity": rng.choice([None, 12, 20, 40]) if kind != "aide" else None,
            }
            if not fields["is_free"]:
                fields["price_eur"] = Decimal(rng.choice([3, 5, 8]))
            upsert(report, f"{kind}-{n}", f"{kind}-{n}", fields)
    return report


def national_demo_seed() -> ImportReport:
    """The aides-jeunes corpus when ../shared/data exists, else our small fixture."""
    from .importers.aides_jeunes import import_aides_jeunes

    shared = settings.BASE_DIR.parent / "shared/data/aides-jeunes/data/benefits/javascript"
    fixture = Path(__file__).resolve().parent / "data" / "demo_aides"
    return import_aides_jeunes(path=shared if shared.is_dir() else fixture)
