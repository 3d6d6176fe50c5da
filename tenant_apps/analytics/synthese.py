"""The one-page synthèse of the diagnostic for elected officials: five headline figures over
the last twelve whole months, each with its month-by-month series and its trend in plain
French, printable as a PDF (weasyprint) for a council meeting.

Read from the same rollups and with the same privacy rule as the page (selectors.py): a month
that has only hidden atoms behind it is "<10", and a trend is stated only between two
published sums (rule 3: their difference never reveals a hidden atom).
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.template.loader import render_to_string
from kernel.clock import local_today
from kernel.dates import french_date

from .dashboard_cache import cached
from .privacy import SUPPRESSED, THRESHOLD
from .selectors import (
    DiagnosticFilters,
    _Reader,
    engagement,
    month_start,
    what_they_look_for,
    who_they_are,
)
from .wording import NBSP, euros_label

MONTHS = 12
MONTH_INITIALS = "JFMAMJJASOND"


@dataclass(frozen=True)
class Headline:
    key: str
    label: str  # what the figure counts, in plain French
    stock: bool  # a stock (read at the end) rather than a flow (added up over the year)
    unit: str = ""  # "€" for euros


HEADLINES = (
    Headline("registered", "jeunes inscrits sur le site aujourd'hui", stock=True),
    Headline("searchers", "recherches de jeunes en 12 mois (un jeune compte une fois par mois)",
             stock=False),
    Headline("registrations", "inscriptions à des événements en 12 mois", stock=False),
    Headline("claims", "demandes d'aide envoyées en 12 mois", stock=False),
    Headline("unclaimed_euros", "par mois d'aides non demandées par des jeunes qui y ont droit",
             stock=True, unit="€"),
)  # fmt: skip


@dataclass
class HeadlineFigure:
    headline: Headline
    months: list[int | Decimal | str] = field(default_factory=list)  # one per month, or "<10"
    value: str = ""
    trend: str = ""
    bars: list[dict] = field(default_factory=list)


def year_months(today: date | None = None) -> list[date]:
    """The first days of the last twelve whole months, oldest first (this month excluded)."""
    start = month_start(today or local_today())
    months = []
    for _ in range(MONTHS):
        start = month_start(start - timedelta(days=1))
        months.append(start)
    return months[::-1]


def _month_end(first: date) -> date:
    return month_start(first + timedelta(days=32)) - timedelta(days=1)


def _figures(r: _Reader) -> dict[str, int | Decimal | str | None]:
    """The five figures a reader sees; a stock with no snapshot in its period is None."""
    euros = r.non_recours().euros.figure
    engaged = engagement(r).figures
    return {
        "registered": who_they_are(r).figures["registered"] if r.population_day else None,
        "searchers": what_they_look_for(r).figures["searchers"],
        "registrations": engaged["registrations"],
        "claims": engaged["claims"],
        "unclaimed_euros": euros if r.nonrecours else None,
    }


def _month_figures(first: date) -> dict[str, int | Decimal | str | None]:
    return _figures(_Reader(DiagnosticFilters(first, _month_end(first))))


def _stock_figures(day: date) -> dict[str, int | Decimal | str | None]:
    """The stocks as of `day`: the latest population and non-recours snapshots up to it."""
    return _figures(_Reader(DiagnosticFilters(day, day)))


def _number(value: int | Decimal, unit: str) -> str:
    if unit == "€":
        return euros_label(value)
    return f"{int(value):,}".replace(",", NBSP)


def _sum(values: list) -> int | Decimal | str:
    """Published months added up; "<10" when only hidden months are behind it (rule 3)."""
    numbers = [v for v in values if v != SUPPRESSED]
    if not any(numbers) and SUPPRESSED in values:
        return SUPPRESSED
    return sum(numbers, 0)


def _change(before, after, unit: str, then: str) -> str:
    if not before and not after:
        return "Rien à signaler sur l'année."
    if not before or (unit != "€" and before < THRESHOLD):
        return "Pas de point de comparaison il y a un an."
    change = (Decimal(after) - Decimal(before)) * 100 / Decimal(before)
    percent = int(change.quantize(Decimal(1)))
    if abs(percent) < 5:
        return f"Stable ({then})."
    direction = "En hausse" if percent > 0 else "En baisse"
    return f"{direction} de {abs(percent)}{NBSP}% ({then})."


def flow_trend(head: list, tail: list, *, unit: str = "") -> str:
    """Plain French: the last months of the year against its first months (sums)."""
    if SUPPRESSED in head or SUPPRESSED in tail:
        return "Trop peu de jeunes certains mois pour dire une tendance."
    before, after = sum(head, 0), sum(tail, 0)
    then = (
        f"{_number(after, unit)} ces {len(tail)} derniers mois, "
        f"contre {_number(before, unit)} sur les {len(head)} premiers"
    )
    return _change(before, after, unit, then)


def stock_trend(before, after, *, unit: str = "") -> str:
    """Plain French: today's reading against the one a year before (None: there was none)."""
    if before is None:
        return "Pas encore de point de comparaison il y a un an."
    if SUPPRESSED in (before, after):
        return "Trop peu de jeunes pour dire une tendance."
    return _change(before, after, unit, f"contre {_number(before, unit)} il y a un an")


BAR_WIDTH, BAR_GAP, CHART_HEIGHT = 10, 4, 36  # the month-by-month chart, in SVG units


def _bars(months: list[date], values: list) -> list[dict]:
    """A small bar chart's geometry, scaled to the year's largest published month."""
    top = max((v for v in values if v not in (SUPPRESSED, None)), default=0) or 1
    bars = []
    for i, (month, value) in enumerate(zip(months, values, strict=True)):
        if value is None:  # a stock with no snapshot that month: no bar, only the initial
            value, missing = 0, True
        else:
            missing = False
        hidden = value == SUPPRESSED
        if hidden:  # "<10": a short grey bar, whatever the scale (its value is not known)
            height = CHART_HEIGHT * 0.3
        else:  # an empty month still shows a baseline tick
            height = max(round(float(Decimal(value) * CHART_HEIGHT / Decimal(top)), 1), 1.0)
        bars.append({
            "x": i * (BAR_WIDTH + BAR_GAP), "y": round(CHART_HEIGHT - height, 1), "height": height,
            "width": BAR_WIDTH, "hidden": hidden, "missing": missing,
            "initial": MONTH_INITIALS[month.month - 1],
            "text_x": i * (BAR_WIDTH + BAR_GAP) + BAR_WIDTH / 2,
            "title": french_date(month).removeprefix("1er ") + " : "
            + ("pas de relevé" if missing else SUPPRESSED if hidden else _number(value, "")),
        })  # fmt: skip
    return bars


def synthese(*, today: date | None = None) -> dict:
    """The five headline figures of the last twelve whole months, with their trends. Stocks
    (registered, unclaimed euros) are read today, as the diagnostic page shows them, and
    compared with their reading a year before."""
    today = today or local_today()
    months = year_months(today)
    per_month = [_month_figures(m) for m in months]
    now = _stock_figures(today)
    year_ago = _stock_figures(today - timedelta(days=365))
    figures = []
    for headline in HEADLINES:
        values = [month[headline.key] for month in per_month]
        if headline.stock:
            total = now[headline.key] or 0
            trend = stock_trend(year_ago[headline.key], total, unit=headline.unit)
        else:
            total = _sum(values)
            trend = flow_trend(values[:3], values[-3:], unit=headline.unit)
        value = total if total == SUPPRESSED else _number(total, headline.unit)
        bars = _bars(months, values)
        figures.append(HeadlineFigure(headline, values, value, trend, bars))
    return {"first": months[0], "last": _month_end(months[-1]), "figures": figures}


def synthese_cached(*, today: date | None = None) -> dict:
    """`synthese`, from the cache until the city's rollups are rebuilt (dashboard_cache.py)."""
    today = today or local_today()
    return cached(("synthese", month_start(today)), lambda: synthese(today=today))


def _logo_data_uri(branding) -> str:
    """The city's logo inlined (the PDF renderer fetches nothing: see `_no_fetch`)."""
    if not branding or not branding.logo:
        return ""
    try:
        with branding.logo.open("rb") as f:
            content = f.read()
    except OSError:
        return ""
    mime = mimetypes.guess_type(branding.logo.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def _no_fetch(url: str, *args, **kwargs):
    """The synthèse's HTML carries everything it needs: refuse any network or file fetch."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"refused to fetch {url!r}")


def synthese_pdf(*, city, branding, today: date | None = None) -> bytes:
    """The synthèse as a one-page A4 PDF in the city's colours."""
    from weasyprint import CSS, HTML

    today = today or local_today()
    context = {
        "city": city,
        "branding": branding,
        "logo": _logo_data_uri(branding),
        "data": synthese_cached(today=today),
        "today": today,
    }
    # The style sheet is a template of its own: no <style> element in a page template (every
    # one a browser reads must carry the CSP nonce, tests/tremplin/test_security_headers.py).
    css = CSS(string=render_to_string("analytics/synthese_pdf.css", context), url_fetcher=_no_fetch)
    html = HTML(
        string=render_to_string("analytics/synthese_pdf.html", context), url_fetcher=_no_fetch
    )
    return html.write_pdf(stylesheets=[css])
