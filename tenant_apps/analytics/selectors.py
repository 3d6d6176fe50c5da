"""The diagnostic's figures, read from rollups only (never raw events), with the privacy rule
of privacy.py applied. One dict feeds the page, the API and the CSV export.

`_Reader` loads what the dashboard needs in a few queries; one function per section turns it
into that section's figures and rows; `diagnostic` dresses them in wording.py's French.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from kernel.clock import local_today

from tenant_apps.catalogue.themes import theme_labels
from tenant_apps.youth.choices import DiplomaLevel, Frein, Situation
from tenant_apps.youth.models import Neighbourhood

from . import wording
from .dashboard_cache import cached
from .models import CITY, AgeBand, NonRecoursFact, NonRecoursSnapshot, Period, PopulationFact
from .privacy import (
    SUPPRESSED,
    THRESHOLD,
    published_atoms,
    published_parts,
    share,
    totals,
    value_of,
)
from .wording import NO_AMOUNT, REMOVED_OFFER, UNKNOWN, day_label, euros_label, week_label

TOP = 10
NON_RECOURS_ROWS = 30


@dataclass(frozen=True)
class DiagnosticFilters:
    date_from: date
    date_to: date
    neighbourhood: str = ""  # a Neighbourhood code; "" = the whole city
    commune: str = ""  # a member commune's INSEE code (a territory); "" = every commune


def month_start(day: date) -> date:
    return day.replace(day=1)


def default_filters(today: date | None = None) -> DiagnosticFilters:
    """The last three months, this one included."""
    today = today or local_today()
    start = month_start(today)
    for _ in range(2):
        start = month_start(start - timedelta(days=1))
    return DiagnosticFilters(start, today)


def _months(filters: DiagnosticFilters) -> tuple[date, date]:
    """Whole months covering the period: [first month start, last month start]."""
    return month_start(filters.date_from), month_start(filters.date_to)


# Rows: {"key", "label", "values"}, one value per column.


def _row(key, label, *values) -> dict:
    return {"key": str(key), "label": str(label), "values": list(values)}


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


def _weekly_rows(*series: dict) -> list[dict]:
    """One row per week (ISO date keys) that any series has, one value per series."""
    weeks = sorted(set().union(*series))
    return [
        _row(w, week_label(date.fromisoformat(w)), *[s.get(w, 0) for s in series]) for w in weeks
    ]


class _Sum:
    """A figure added up from atoms (rule 3): published ones count, hidden ones only make an
    otherwise empty figure "<10"."""

    def __init__(self) -> None:
        self.value: int | Decimal = 0
        self.hidden = False

    def add(self, value: int | Decimal | None) -> None:
        if value is None:
            self.hidden = True
        else:
            self.value += value

    @property
    def figure(self) -> int | Decimal | str:
        return SUPPRESSED if self.hidden and not self.value else self.value


@dataclass
class NonRecoursAid:
    """One aid's published non-recours figures (counts, or "<10"; euros as Decimal)."""

    title: str
    is_national: bool | None
    eligible: _Sum = field(default_factory=_Sum)
    claimed: _Sum = field(default_factory=_Sum)
    euros: _Sum = field(default_factory=_Sum)
    unclaimed_shown: bool = False  # a published atom had young people who did not apply

    def euros_label(self) -> str:
        if self.euros.figure == SUPPRESSED:
            return SUPPRESSED
        if not self.euros.value and self.unclaimed_shown:
            return NO_AMOUNT  # young people who did not apply, but no monthly amount
        return euros_label(self.euros.value)


@dataclass
class NonRecoursFigures:
    aids: dict[str, NonRecoursAid] = field(default_factory=dict)  # offer id → figures
    eligible: _Sum = field(default_factory=_Sum)  # young people eligible to at least one aid
    claimed: _Sum = field(default_factory=_Sum)  # … who said they applied to at least one
    euros: _Sum = field(default_factory=_Sum)


def non_recours_figures(facts: list[NonRecoursFact]) -> NonRecoursFigures:
    """Publish a snapshot's atoms (privacy.py, rules 1-4): eligible per aid with complementary
    suppression among the aids of each neighbourhood; within each atom, who said they applied
    and who did not; the unclaimed euros only where the "did not apply" part is published."""
    result = NonRecoursFigures()
    per_aid = [f for f in facts if f.offer_id is not None]
    eligible = published_atoms([((f.neighbourhood,), str(f.offer_id), f.eligible) for f in per_aid])
    for fact in per_aid:
        key = str(fact.offer_id)
        aid = result.aids.setdefault(key, NonRecoursAid(fact.offer_title, fact.is_national))
        shown = eligible[((fact.neighbourhood,), key)]
        parts = published_parts(
            shown, {"claimed": fact.claimed, "unclaimed": fact.eligible - fact.claimed}
        )
        aid.eligible.add(shown)
        aid.claimed.add(parts.get("claimed", 0))
        unclaimed = parts.get("unclaimed", 0)
        # Rule 4: euros go with the "did not apply" part they are about.
        euros = None if unclaimed is None else fact.unclaimed_monthly_euros or Decimal(0)
        aid.euros.add(euros)
        result.euros.add(euros)
        aid.unclaimed_shown |= bool(unclaimed)
    for fact in (f for f in facts if f.offer_id is None):
        shown = fact.eligible if fact.eligible >= THRESHOLD else None  # a table of one atom
        parts = published_parts(
            shown, {"claimed": fact.claimed, "none": fact.eligible - fact.claimed}
        )
        result.eligible.add(shown)
        result.claimed.add(parts.get("claimed", 0))
    return result


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
        self.nonrecours = (
            NonRecoursSnapshot.objects.filter(day__lte=filters.date_to).order_by("-day").first()
        )
        self.neighbourhoods = {n.code: n for n in Neighbourhood.objects.all()}
        self.scopes = self._scopes()
        self._events = self._load_events()
        self._population = self._load_population()
        self._nonrecours = self._load_nonrecours()

    def _scopes(self) -> list[str] | None:
        """The neighbourhoods the figures add up (None: the whole city, its own figures).

        A commune is its neighbourhoods: each figure stored per neighbourhood was published
        by the privacy rule already, so their sum is what the city's own figure is too.
        """
        if self.filters.neighbourhood:
            return [self.filters.neighbourhood]
        if self.filters.commune:
            return [
                code
                for code, n in self.neighbourhoods.items()
                if n.commune_insee == self.filters.commune
            ]
        return None

    def _load_events(self) -> dict[tuple[str, str, str], dict]:
        """(period, metric, dimension) → key → figure (weeks: week start → figure)."""
        sql = (
            "SELECT period, metric, dimension, "
            "CASE WHEN period = 'week' THEN start::text ELSE key END AS k, "
            "sum(people), bool_or(hidden) FROM analytics_figure "
            "WHERE scope = ANY(%s) AND ((period = 'month' AND start BETWEEN %s AND %s) "
            "OR (period = 'week' AND start BETWEEN %s AND %s)) "
            "GROUP BY 1, 2, 3, 4"
        )
        week_from = self.filters.date_from - timedelta(days=self.filters.date_from.weekday())
        scopes = self.scopes if self.scopes is not None else [CITY]
        params = [scopes, self.first_month, self.last_month, week_from, self.filters.date_to]
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
        if self.scopes is not None:
            qs = qs.filter(neighbourhood__in=self.scopes)
        for nb, dimension, key, people in qs.values_list(
            "neighbourhood", "dimension", "key", "people"
        ):
            atoms[dimension].append(((nb,), key, people))
        return atoms

    def _load_nonrecours(self) -> list[NonRecoursFact]:
        if self.nonrecours is None:
            return []
        qs = NonRecoursFact.objects.filter(snapshot=self.nonrecours)
        if self.scopes is not None:
            qs = qs.filter(neighbourhood__in=self.scopes)
        return list(qs.order_by("id"))

    def non_recours(self) -> NonRecoursFigures:
        return non_recours_figures(self._nonrecours)

    def events(self, metric: str, dimension: str, period: str = Period.MONTH) -> dict:
        return dict(self._events.get((period, metric, dimension), {}))

    def population(self, dimension: str) -> dict:
        return totals(published_atoms(self._population.get(dimension, [])))

    def population_atoms(self, dimension: str):
        return published_atoms(self._population.get(dimension, []))

    def neighbourhood_name(self, code: str) -> str:
        return self.neighbourhoods[code].name if code in self.neighbourhoods else UNKNOWN


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


# One function per section: its figures (by key) and its tables' rows (by table id), in the
# keys and ids of wording.py.


@dataclass
class SectionFigures:
    figures: dict[str, int | str] = field(default_factory=dict)
    tables: dict[str, list[dict]] = field(default_factory=dict)


def who_they_are(r: _Reader) -> SectionFigures:
    """Registered young people: how many, in a QPV, by age, situation, diploma, neighbourhood."""
    everyone = r.population_atoms("all")
    by_nb = totals(everyone, keyfn=lambda group, key: group[0])
    total = totals(everyone, keyfn=lambda group, key: "all").get("all", 0)
    qpv_codes = {code for code, n in r.neighbourhoods.items() if n.is_qpv}
    qpv = totals(everyone, keyfn=lambda g, k: "qpv" if g[0] in qpv_codes else "").get("qpv", 0)
    return SectionFigures(
        figures={"registered": total, "qpv_share": share(qpv, total)},
        tables={
            "age": _in_order(r.population("age_band"), list(AgeBand.choices)),
            "situation": _in_order(r.population("situation"), list(Situation.choices)),
            "diploma": _in_order(r.population("diploma"), list(DiplomaLevel.choices)),
            "neighbourhood": _ranked(by_nb, r.neighbourhood_name, limit=None),
        },
    )


def what_they_look_for(r: _Reader) -> SectionFigures:
    """Searches (all, and those that found nothing), themes opened, offers saved."""
    themes = theme_labels()
    theme_figures = r.events("view", "theme")
    for key, value in r.events("search", "theme").items():
        if key not in theme_figures:
            theme_figures[key] = value
    saved = r.events("save", "offer")
    titles = _offer_titles(set(saved))
    return SectionFigures(
        figures={"searchers": r.events("search", "all").get("", 0)},
        tables={
            "searches": _ranked(r.events("search", "query"), str),
            "unmet": _ranked(r.events("search", "query_empty"), str),
            "themes": _ranked(theme_figures, lambda k: themes.get(k, k)),
            "saved": _ranked(saved, lambda k: titles.get(k, REMOVED_OFFER)),
        },
    )


def what_holds_them_back(r: _Reader) -> SectionFigures:
    """Freins cited: overall, by neighbourhood, by age band."""
    frein_choices = list(Frein.choices)
    frein_labels = dict(frein_choices)
    frein_nb = r.population_atoms("frein")
    frein_age = r.population("frein_age")
    only = r.scopes
    by_nb_rows = []
    for code in (c for c in r.neighbourhoods if only is None or c in only):
        cells = totals({k: v for k, v in frein_nb.items() if k[0][0] == code})
        if any(cells.values()):
            by_nb_rows.append(
                _row(code, r.neighbourhood_name(code), *[cells.get(f, 0) for f, _ in frein_choices])
            )
    bands = list(AgeBand.choices)
    return SectionFigures(
        tables={
            "freins": _ranked(r.population("frein"), lambda k: frein_labels.get(k, k), limit=None),
            "freins_nb": by_nb_rows,
            "freins_age": [
                _row(f, label, *[frein_age.get(f"{f}|{b}", 0) for b, _ in bands])
                for f, label in frein_choices
            ],
        },
    )


def rights_not_taken_up(r: _Reader) -> SectionFigures:
    """For each aid: young people entitled to it, who opened it, who asked for it; and from
    the nightly evaluation, who said they applied and the monthly euros the others miss."""
    figures = r.non_recours()
    eligible = {
        key: aid.eligible.figure for key, aid in figures.aids.items() if aid.eligible.figure
    }
    opened = r.events("view", "offer")
    clicked = r.events("take_up", "offer")
    rows = [
        _row(aid, title, eligible.get(aid, 0), opened.get(aid, 0), clicked.get(aid, 0))
        for aid, title in _aid_ids().items()
        if any(x.get(aid) for x in (eligible, opened, clicked))
    ]
    rows.sort(key=lambda row: (-value_of(row["values"][0]), row["label"]))
    aids = sorted(
        (item for item in figures.aids.items() if item[1].eligible.figure),
        key=lambda item: (-_euros_order(item[1].euros.figure), -value_of(item[1].eligible.figure),
                          item[1].title),
    )  # fmt: skip
    euros_rows = [
        _row(key, aid.title, aid.eligible.figure, aid.claimed.figure, aid.euros_label())
        for key, aid in aids[:NON_RECOURS_ROWS]
    ]
    total = figures.euros.figure
    return SectionFigures(
        figures={
            "nonrecours_day": day_label(r.nonrecours.day if r.nonrecours else None),
            "eligible_any": figures.eligible.figure,
            "claimed_any": figures.claimed.figure,
            "unclaimed_euros": total if total == SUPPRESSED else euros_label(total),
        },
        tables={
            "nonrecours": rows[:NON_RECOURS_ROWS],
            "nonrecours_euros": euros_rows,
        },
    )


def _euros_order(figure: Decimal | int | str) -> Decimal:
    """Sort key of published euros ("<10" below any amount shown)."""
    return Decimal("0.5") if figure == SUPPRESSED else Decimal(figure)


def engagement(r: _Reader) -> SectionFigures:
    """Events registered and attended, aids claimed, young people active each week."""
    return SectionFigures(
        figures={
            "registrations": r.events("register", "all").get("", 0),
            "attendees": r.events("attend", "all").get("", 0),
            "claims": r.events("claim", "all").get("", 0),
        },
        tables={
            "weekly": _weekly_rows(r.events("active", "all", Period.WEEK)),
            "events_weekly": _weekly_rows(
                r.events("register", "all", Period.WEEK), r.events("attend", "all", Period.WEEK)
            ),
        },
    )


_SECTION_FIGURES = {
    wording.WHO.id: who_they_are,
    wording.SEARCH.id: what_they_look_for,
    wording.FREINS.id: what_holds_them_back,
    wording.NON_RECOURS.id: rights_not_taken_up,
    wording.ENGAGEMENT.id: engagement,
}


def _section(section: wording.Section, figures: SectionFigures) -> dict:
    return {
        "id": section.id,
        "title": section.title,
        "figures": [
            {"label": label, "value": figures.figures[key]} for key, label in section.figures
        ],
        "tables": [
            {
                "id": table.id,
                "title": table.title,
                "description": table.description,
                "columns": list(table.columns),
                "rows": figures.tables[table.id],
            }
            for table in section.tables
        ],
    }


def youth_voice(*, filters: DiagnosticFilters) -> dict:
    """« Ce que disent les jeunes »: the polls live during the period with voice's results
    (its own k ≥ 10 rule), the ideas most supported in the period and the events of the period
    with at least 10 ratings. Answers carry no neighbourhood: always the whole city."""
    from tenant_apps.voice.feedback import event_ratings
    from tenant_apps.voice.models import PollStatus
    from tenant_apps.voice.selectors import ideas_most_supported, poll_results, polls_in_period

    span = {"date_from": filters.date_from, "date_to": filters.date_to}
    polls = []
    for poll in polls_in_period(**span):
        item = poll_results(poll=poll)
        item |= {
            "status": poll.status,
            "status_label": str(PollStatus(poll.status).label),
            "created_at": poll.created_at.date().isoformat(),
            "closes_at": poll.closes_at.date().isoformat() if poll.closes_at else None,
        }
        polls.append(item)
    ideas = [
        {
            "id": idea.pk,
            "kind": idea.kind,
            "title": idea.title,
            "status": idea.status,
            "answered": bool(idea.answer),
            "supports": idea.support_count if idea.support_count >= THRESHOLD else SUPPRESSED,
        }
        for idea in ideas_most_supported(**span, limit=TOP)
    ]
    return {
        "id": wording.VOICE_ID,
        "title": wording.VOICE_TITLE,
        "whole_city": True,
        "note": wording.VOICE_WHOLE_CITY if filters.neighbourhood or filters.commune else None,
        "polls": polls,
        "ideas": ideas,
        "event_ratings": event_ratings(**span)[:TOP],
    }


def diagnostic_cached(*, filters: DiagnosticFilters) -> dict:
    """`diagnostic`, from the cache until the city's rollups are rebuilt (dashboard_cache.py).
    Youth voice is read fresh: an answer to a poll does not rebuild the rollups."""
    parts = (filters.date_from, filters.date_to, filters.neighbourhood, filters.commune)
    return {
        **cached(parts, lambda: _figures(filters=filters)),
        "youth_voice": youth_voice(filters=filters),
    }


def diagnostic(*, filters: DiagnosticFilters) -> dict:
    """Every figure of the diagnostic for the period and neighbourhood (or commune)."""
    return {**_figures(filters=filters), "youth_voice": youth_voice(filters=filters)}


def _figures(*, filters: DiagnosticFilters) -> dict:
    """The figures read from the rollups (what the cache keeps)."""
    r = _Reader(filters)
    period = {
        "from": r.first_month.isoformat(),
        "to": filters.date_to.isoformat(),
        "neighbourhood": filters.neighbourhood or None,
        "population_day": r.population_day.isoformat() if r.population_day else None,
    }
    if filters.commune:  # a territory's commune filter (absent for a single-commune city)
        period["commune"] = filters.commune
    return {
        "period": period,
        "sections": [
            _section(section, _SECTION_FIGURES[section.id](r)) for section in wording.SECTIONS
        ],
    }
