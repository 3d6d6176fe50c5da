"""The thématiques an offer can carry: the data·inclusion taxonomy (v1, `categorie--sous-theme`)
plus youth topics of our own. The data·inclusion list ships in data/thematiques.json (Licence
Ouverte 2.0, gip-inclusion/data-inclusion-schema @ df9ce7f).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# data·inclusion category labels (the reference file only labels sub-themes).
CATEGORY_LABELS = {
    "choisir-un-metier": "Choisir un métier",
    "creer-une-entreprise": "Créer une entreprise",
    "difficultes-administratives-ou-juridiques": "Démarches administratives et juridiques",
    "difficultes-financieres": "Difficultés financières",
    "equipement-et-alimentation": "Équipement et alimentation",
    "famille": "Famille",
    "lecture-ecriture-calcul": "Lecture, écriture, calcul",
    "logement-hebergement": "Logement et hébergement",
    "mobilite": "Mobilité",
    "numerique": "Numérique",
    "preparer-sa-candidature": "Préparer sa candidature",
    "remobilisation": "Remobilisation",
    "sante": "Santé",
    "se-former": "Se former",
    "souvrir-a-linternational": "S'ouvrir à l'international",
    "trouver-un-emploi": "Trouver un emploi",
}
YOUTH_TOPICS = {
    "sport": "Sport",
    "culture": "Culture",
    "loisirs": "Loisirs",
    "citoyennete": "Citoyenneté",
    "engagement": "Engagement",
}


@cache
def theme_labels() -> dict[str, str]:
    """Every accepted theme code → its French label (categories, sub-themes, youth topics)."""
    labels = dict(CATEGORY_LABELS)
    for item in json.loads((DATA / "thematiques.json").read_text()):
        labels[item["value"]] = item["label"]
    labels.update(YOUTH_TOPICS)
    return labels


@cache
def network_labels() -> dict[str, str]:
    """data·inclusion réseaux porteurs code → label."""
    items = json.loads((DATA / "reseaux_porteurs.json").read_text())
    return {item["value"]: item["label"] for item in items}


def is_theme(code: str) -> bool:
    return code in theme_labels()


def theme_choices() -> list[tuple[str, str]]:
    """Top-level choices for filters: categories and youth topics."""
    return [*CATEGORY_LABELS.items(), *YOUTH_TOPICS.items()]
