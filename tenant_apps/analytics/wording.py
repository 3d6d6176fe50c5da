"""The diagnostic's French wording: what each section, figure and table is called and explains.

Read by elected officials and city staff. The figures come from selectors.py, which puts the
two together in the order written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from kernel.dates import french_date

from tenant_apps.youth.choices import Frein

from .models import AgeBand

UNKNOWN = "Non renseigné"
REMOVED_OFFER = "Offre retirée"
YOUNG_PEOPLE = "Jeunes"  # the column of a table with one column


NOT_YET = "Pas encore calculé"
NO_AMOUNT = "—"  # euros of an aid whose amount is not monthly or not known
NBSP = "\u00a0"  # French groups digits and sets off "€" with non-breaking spaces


def week_label(week: date) -> str:
    return f"Semaine du {french_date(week)}"


def day_label(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else NOT_YET


def euros_label(value: Decimal | int) -> str:
    """1234.5 → "1 235 €" (whole euros, French spacing)."""
    whole = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", NBSP) + f"{NBSP}€"


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    description: str
    columns: tuple[str, ...] = (YOUNG_PEOPLE,)
    charted: int | None = None  # how many leading columns the chart draws (None: all)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    figures: tuple[tuple[str, str], ...]  # (key of the figure, its label)
    tables: tuple[Table, ...]


FREIN_COLUMNS = tuple(label for _code, label in Frein.choices)
AGE_COLUMNS = tuple(label for _code, label in AgeBand.choices)

WHO = Section(
    "qui",
    "Qui sont-ils ?",
    figures=(
        ("registered", "Jeunes inscrits"),
        ("qpv_share", "Part vivant dans un quartier prioritaire (QPV)"),
    ),
    tables=(
        Table("age", "Âge", "Jeunes inscrits par tranche d'âge."),
        Table("situation", "Situation", "Ce que font les jeunes inscrits aujourd'hui."),
        Table("diploma", "Diplôme", "Plus haut diplôme obtenu."),
        Table("neighbourhood", "Quartier", "Jeunes inscrits par quartier."),
    ),
)

SEARCH = Section(
    "recherches",
    "Que cherchent-ils ?",
    figures=(("searchers", "Jeunes ayant fait une recherche"),),
    tables=(
        Table(
            "searches",
            "Recherches les plus fréquentes",
            "Mots cherchés, par nombre de jeunes qui les ont tapés.",
        ),
        Table(
            "unmet",
            "Recherches sans résultat : les besoins sans réponse",
            "Ce que des jeunes ont cherché sans rien trouver sur le site.",
        ),
        Table(
            "themes",
            "Thématiques les plus consultées",
            "Thèmes des offres que les jeunes ont ouvertes.",
        ),
        Table(
            "saved",
            "Offres les plus sauvegardées",
            "Offres que les jeunes ont gardées pour plus tard.",
        ),
    ),
)

FREINS = Section(
    "freins",
    "Quels sont leurs freins ?",
    figures=(),
    tables=(
        Table(
            "freins",
            "Ce qui les freine",
            "Jeunes ayant cité chaque frein (plusieurs choix possibles).",
        ),
        Table(
            "freins_nb",
            "Freins par quartier",
            "Jeunes ayant cité chaque frein, quartier par quartier.",
            columns=FREIN_COLUMNS,
        ),
        Table(
            "freins_age",
            "Freins par âge",
            "Jeunes ayant cité chaque frein, par tranche d'âge.",
            columns=AGE_COLUMNS,
        ),
    ),
)

NON_RECOURS = Section(
    "non-recours",
    "Non-recours aux droits",
    figures=(
        ("nonrecours_day", "Droits des jeunes inscrits évalués le"),
        ("eligible_any", "Jeunes ayant droit à au moins une aide"),
        ("claimed_any", "Parmi eux, jeunes ayant dit en avoir demandé au moins une"),
        ("unclaimed_euros", "Aides non demandées, en euros par mois (estimation)"),
    ),
    tables=(
        Table(
            "nonrecours",
            "Aides : droits ouverts ou pas",
            "Pour chaque aide : jeunes inscrits qui y ont droit d'après leur profil, "
            "jeunes qui ont ouvert sa fiche, jeunes qui ont cliqué pour la demander "
            "ou dit l'avoir demandée.",
            columns=("Y ont droit", "Ont ouvert la fiche", "L'ont demandée"),
        ),
        Table(
            "nonrecours_euros",
            "Non-recours en euros",
            "Pour chaque aide, d'après le profil de chaque jeune inscrit (évalué chaque nuit) : "
            "jeunes qui y ont droit, parmi eux ceux qui ont dit « J'ai fait ma demande », et "
            "ce que les autres ne touchent pas chaque mois. Montants estimés : ceux de l'aide, "
            "ou calculés avec OpenFisca selon la situation de chaque jeune ; « — » : aide sans "
            "montant mensuel connu. Les euros d'un groupe de moins de 10 jeunes ne sont pas "
            "comptés.",
            columns=("Y ont droit", "Ont dit l'avoir demandée", "Non demandé, par mois"),
            charted=2,
        ),
    ),
)

ENGAGEMENT = Section(
    "engagement",
    "Engagement",
    figures=(
        ("registrations", "Inscriptions à des événements"),
        ("attendees", "Jeunes présents à un événement"),
        ("claims", "Jeunes ayant demandé une aide"),
    ),
    tables=(
        Table(
            "weekly",
            "Jeunes actifs par semaine",
            "Jeunes différents venus sur le site chaque semaine.",
        ),
        Table(
            "events_weekly",
            "Événements : inscrits et présents par semaine",
            "Jeunes différents inscrits à un événement de la ville, et jeunes notés présents "
            "par l'équipe (comptés la semaine où la présence est notée).",
            columns=("Inscrits", "Présents"),
        ),
    ),
)

SECTIONS = (WHO, SEARCH, FREINS, NON_RECOURS, ENGAGEMENT)
TABLES = {table.id: table for section in SECTIONS for table in section.tables}

# « Ce que disent les jeunes »: the city's polls, ideas and event ratings (selectors.youth_voice).
VOICE_ID = "avis"
VOICE_TITLE = "Ce que disent les jeunes"
VOICE_POLLS = "Sondages et questionnaires"
VOICE_IDEAS = "Idées les plus soutenues"
VOICE_IDEAS_COLUMN = "Soutiens sur la période"
VOICE_RATINGS = "Notes des événements"
VOICE_RATINGS_COLUMNS = ("Avis", "Note moyenne (sur 5)")
VOICE_MEAN = "Note moyenne (sur 5)"
VOICE_RESPONSES = "Réponses"
VOICE_WHOLE_CITY = (
    "Les réponses aux sondages, les idées et les notes sont anonymes et ne disent pas le quartier "
    "(ni la commune) de qui répond : cette rubrique porte sur toute la ville, quel que soit le "
    "quartier choisi."
)
