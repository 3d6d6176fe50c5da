"""The diagnostic's figures, read from rollups only (never raw events), with the privacy rule
of privacy.py applied. One dict feeds the page, the API and the CSV export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from tenant_apps.catalogue.themes import theme_labels
from tenant_apps.youth.choices import DiplomaLevel, Frein, Situation
from tenant_apps.youth.models import Neighbourhood

from .dashboard_cache import cached
from .models import CITY, AgeBand, Period, PopulationFact
from .privacy import SUPPRESSED, published_atoms, share, totals, value_of

TOP = 10
UNKNOWN = "Non renseigné"


@dataclass(frozen=True)
class DiagnosticFilters:
    date_from: date
    date_to: date
    neighbourhood: str = ""  # a Neighbourhood code; "" = the whole city


def month_start(day: date) -> date:
    return day.replace(day=1)


def default_filters(today: date | None = None) -> DiagnosticFilters:
    """The last three months, this one included."""
    today = today or timezone.localdate()
    start = month_start(today)
    for _ in range(2):
        start = month_start(start - timedelta(days=1))
    return DiagnosticFilters(start, today)


def _months(filters: DiagnosticFilters) -> tuple[date, date]:
    """Whole months covering the period: [first month start, last month start]."""
    return month_start(filters.date_from), month_start(filters.date_to)


def _row(key, label, *values) -> dict:
    return {"key": str(key), "label": str(label), "values": list(values)}


def _table(tid: str, title: str, description: str, rows: list[dict], columns=None) -> dict:
    return {
        "id": tid,
        "title": title,
        "description": description,
        "columns": columns or ["Jeunes"],
        "rows": rows,
    }


def _ranked(figures: dict, labels, limit: int | None = TOP) -> list[dict]:
    items = sorted(figures.items(), key=lambda kv: (-value_of(kv[1]), str(kv[0])))
    items = [(k, v) for k, v in items if v == SUPPRESSED or v > 0]
    if limit:
        items = items[:limit]
    return [_row(k, labels(k), v) for k, v in items]


def _in_order(figures: dict, choices: list[tuple[str, str]], unknown: bool = True) -> list[dict]:
    rows = [_row(code, label, figures.get(code, 0)) for code, label in choices]
    if unknown and figures.get("", 0):
        rows.append(_row("", UNKNOWN, figures[""]))
    return rows


class _Reader:
    """Loads the figures the dashboard needs in a few queries: event figures are summed in SQL
    from `Figure` (the privacy rule was applied when the rollups were computed), population
    atoms are published here (one day's snapshot)."""

    def __init__(self, filters: DiagnosticFilters) -> None:
        self.filters = filters
        self.first_month, self.last_month = _months(filters)
        self.population_day = (
            PopulationFact.objects.filter(day__lte=filters.date_to)
            .order_by("-day")
            .values_list("day", flat=True)
            .first()
        )
        self._events = self._load_events()
        self._population = self._load_population()

    def _load_events(self) -> dict[tuple[str, str, str], dict]:
        """(period, metric, dimension) → key → figure (weeks: week start → figure)."""
        sql = (
            "SELECT period, metric, dimension, "
            "CASE WHEN period = 'week' THEN start::text ELSE key END AS k, "
            "sum(people), bool_or(hidden) FROM analytics_figure "
            "WHERE scope = %s AND ((period = 'month' AND start BETWEEN %s AND %s) "
            "OR (period = 'week' AND start BETWEEN %s AND %s)) "
            "GROUP BY 1, 2, 3, 4"
        )
        week_from = self.filters.date_from - timedelta(days=self.filters.date_from.weekday())
        scope = self.filters.neighbourhood or CITY
        params = [scope, self.first_month, self.last_month, week_from, self.filters.date_to]
        figures: dict[tuple[str, str, str], dict] = defaultdict(dict)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for period, metric, dimension, key, people, hidden in cursor:
                if people:
                    figures[(period, metric, dimension)][key] = int(people)
                elif hidden:
                    figures[(period, metric, dimension)][key] = SUPPRESSED
        return figures

    def _load_population(self) -> dict[str, list]:
        atoms: dict[str, list] = defaultdict(list)
        if self.population_day is None:
            return atoms
        qs = PopulationFact.objects.filter(day=self.population_day)
        if self.filters.neighbourhood:
            qs = qs.filter(neighbourhood=self.filters.neighbourhood)
        for nb, dimension, key, people in qs.values_list(
            "neighbourhood", "dimension", "key", "people"
        ):
            atoms[dimension].append(((nb,), key, people))
        return atoms

    def events(self, metric: str, dimension: str, period: str = Period.MONTH) -> dict:
        return dict(self._events.get((period, metric, dimension), {}))

    def population(self, dimension: str) -> dict:
        return totals(published_atoms(self._population.get(dimension, [])))

    def population_atoms(self, dimension: str):
        return published_atoms(self._population.get(dimension, []))


def _offer_titles(ids: set[str]) -> dict[str, str]:
    import uuid

    from shared_apps.national.models import NationalOffer
    from tenant_apps.catalogue.models import Offer

    valid = []
    for i in ids:
        try:
            valid.append(uuid.UUID(i))
        except ValueError:
            continue
    titles = {str(k): v for k, v in Offer.objects.filter(pk__in=valid).values_list("pk", "title")}
    missing = [i for i in valid if str(i) not in titles]
    if missing:
        titles |= {
            str(k): v
            for k, v in NationalOffer.objects.filter(pk__in=missing).values_list("pk", "title")
        }
    return titles


def _aid_ids() -> dict[str, str]:
    """Aids of the catalogue visible in this city: id → title."""
    from tenant_apps.matching.candidates import candidates_for_city

    return {str(c.id): c.title for c in candidates_for_city(connection.tenant) if c.kind == "aide"}


def diagnostic_cached(*, filters: DiagnosticFilters) -> dict:
    """`diagnostic`, from the cache until the city's rollups are rebuilt (dashboard_cache.py)."""
    parts = (filters.date_from, filters.date_to, filters.neighbourhood)
    return cached(parts, lambda: diagnostic(filters=filters))


def diagnostic(*, filters: DiagnosticFilters) -> dict:
    """Every figure of the diagnostic for the period and neighbourhood."""
    r = _Reader(filters)
    neighbourhoods = {n.code: n for n in Neighbourhood.objects.all()}
    nb_label = lambda code: neighbourhoods[code].name if code in neighbourhoods else UNKNOWN  # noqa: E731
    themes = theme_labels()
    frein_labels = dict(Frein.choices)
    bands = [(b.value, b.label) for b in AgeBand]

    # Qui sont-ils ?
    by_nb = totals(r.population_atoms("all"), keyfn=lambda group, key: group[0])
    total = totals(r.population_atoms("all"), keyfn=lambda group, key: "all").get("all", 0)
    qpv = totals(
        r.population_atoms("all"),
        keyfn=lambda g, k: "qpv" if g[0] in neighbourhoods and neighbourhoods[g[0]].is_qpv else "",
    ).get("qpv", 0)
    who = {
        "id": "qui",
        "title": "Qui sont-ils ?",
        "figures": [
            {"label": "Jeunes inscrits", "value": total},
            {"label": "Part vivant dans un quartier prioritaire (QPV)", "value": share(qpv, total)},
        ],
        "tables": [
            _table(
                "age",
                "Âge",
                "Jeunes inscrits par tranche d'âge.",
                _in_order(r.population("age_band"), bands),
            ),
            _table(
                "situation",
                "Situation",
                "Ce que font les jeunes inscrits aujourd'hui.",
                _in_order(r.population("situation"), list(Situation.choices)),
            ),
            _table(
                "diploma",
                "Diplôme",
                "Plus haut diplôme obtenu.",
                _in_order(r.population("diploma"), list(DiplomaLevel.choices)),
            ),
            _table(
                "neighbourhood",
                "Quartier",
                "Jeunes inscrits par quartier.",
                _ranked(by_nb, nb_label, limit=None),
            ),
        ],
    }

    # Que cherchent-ils ?
    theme_figures = r.events("view", "theme")
    for key, value in r.events("search", "theme").items():
        if key not in theme_figures:
            theme_figures[key] = value
    saved = r.events("save", "offer")
    titles = _offer_titles(set(saved))
    search = {
        "id": "recherches",
        "title": "Que cherchent-ils ?",
        "figures": [
            {
                "label": "Jeunes ayant fait une recherche",
                "value": r.events("search", "all").get("", 0),
            }
        ],
        "tables": [
            _table(
                "searches",
                "Recherches les plus fréquentes",
                "Mots cherchés, par nombre de jeunes qui les ont tapés.",
                _ranked(r.events("search", "query"), str),
            ),
            _table(
                "unmet",
                "Recherches sans résultat : les besoins sans réponse",
                "Ce que des jeunes ont cherché sans rien trouver sur le site.",
                _ranked(r.events("search", "query_empty"), str),
            ),
            _table(
                "themes",
                "Thématiques les plus consultées",
                "Thèmes des offres que les jeunes ont ouvertes.",
                _ranked(theme_figures, lambda k: themes.get(k, k)),
            ),
            _table(
                "saved",
                "Offres les plus sauvegardées",
                "Offres que les jeunes ont gardées pour plus tard.",
                _ranked(saved, lambda k: titles.get(k, "Offre retirée")),
            ),
        ],
    }

    # Quels sont leurs freins ?
    frein_choices = list(Frein.choices)
    frein_nb = r.population_atoms("frein")
    frein_age = r.population("frein_age")
    nb_codes = [
        c for c in neighbourhoods if not filters.neighbourhood or c == filters.neighbourhood
    ]
    by_nb_rows = []
    for code in nb_codes:
        cells = totals(
            {k: v for k, v in frein_nb.items() if k[0][0] == code},
        )
        if any(cells.values()):
            by_nb_rows.append(
                _row(code, nb_label(code), *[cells.get(f, 0) for f, _ in frein_choices])
            )
    freins = {
        "id": "freins",
        "title": "Quels sont leurs freins ?",
        "figures": [],
        "tables": [
            _table(
                "freins",
                "Ce qui les freine",
                "Jeunes ayant cité chaque frein (plusieurs choix possibles).",
                _ranked(r.population("frein"), lambda k: frein_labels.get(k, k), limit=None),
            ),
            _table(
                "freins_nb",
                "Freins par quartier",
                "Jeunes ayant cité chaque frein, quartier par quartier.",
                by_nb_rows,
                columns=[label for _, label in frein_choices],
            ),
            _table(
                "freins_age",
                "Freins par âge",
                "Jeunes ayant cité chaque frein, par tranche d'âge.",
                [
                    _row(f, label, *[frein_age.get(f"{f}|{b}", 0) for b, _ in bands])
                    for f, label in frein_choices
                ],
                columns=[label for _, label in bands],
            ),
        ],
    }

    # Non-recours
    aids = _aid_ids()
    eligible = r.population("eligible")
    opened = r.events("view", "offer")
    clicked = r.events("take_up", "offer")
    aid_rows = [
        _row(aid, title, eligible.get(aid, 0), opened.get(aid, 0), clicked.get(aid, 0))
        for aid, title in aids.items()
        if any(x.get(aid) for x in (eligible, opened, clicked))
    ]
    aid_rows.sort(key=lambda row: (-value_of(row["values"][0]), row["label"]))
    nonrecours = {
        "id": "non-recours",
        "title": "Non-recours aux droits",
        "figures": [],
        "tables": [
            _table(
                "nonrecours",
                "Aides : droits ouverts ou pas",
                "Pour chaque aide : jeunes inscrits qui y ont droit d'après leur profil, "
                "jeunes qui ont ouvert sa fiche, jeunes qui ont cliqué pour la demander "
                "ou dit l'avoir demandée.",
                aid_rows[:30],
                columns=["Y ont droit", "Ont ouvert la fiche", "L'ont demandée"],
            ),
        ],
    }

    # Engagement
    per_week = {date.fromisoformat(w): v for w, v in r.events("active", "all", Period.WEEK).items()}
    week_rows = [
        _row(w.isoformat(), f"Semaine du {w:%d/%m/%Y}", per_week[w]) for w in sorted(per_week)
    ]
    registered_weekly = r.events("register", "all", Period.WEEK)
    attended_weekly = r.events("attend", "all", Period.WEEK)
    event_rows = [
        _row(w, f"Semaine du {date.fromisoformat(w):%d/%m/%Y}",
             registered_weekly.get(w, 0), attended_weekly.get(w, 0))
        for w in sorted(set(registered_weekly) | set(attended_weekly))
    ]  # fmt: skip
    engagement = {
        "id": "engagement",
        "title": "Engagement",
        "figures": [
            {
                "label": "Inscriptions à des événements",
                "value": r.events("register", "all").get("", 0),
            },
            {
                "label": "Jeunes présents à un événement",
                "value": r.events("attend", "all").get("", 0),
            },
            {
                "label": "Jeunes ayant demandé une aide",
                "value": r.events("claim", "all").get("", 0),
            },
        ],
        "tables": [
            _table(
                "weekly",
                "Jeunes actifs par semaine",
                "Jeunes différents venus sur le site chaque semaine.",
                week_rows,
            ),
            _table(
                "events_weekly",
                "Événements : inscrits et présents par semaine",
                "Jeunes différents inscrits à un événement de la ville, et jeunes notés présents "
                "par l'équipe (comptés la semaine où la présence est notée).",
                event_rows,
                columns=["Inscrits", "Présents"],
            ),
        ],
    }

    return {
        "period": {
            "from": r.first_month.isoformat(),
            "to": filters.date_to.isoformat(),
            "neighbourhood": filters.neighbourhood or None,
            "population_day": r.population_day.isoformat() if r.population_day else None,
        },
        "sections": [who, search, freins, nonrecours, engagement],
    }
