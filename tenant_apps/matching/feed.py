"""« Pour toi »: offers ranked for one young person, each with plain-French reasons.

Score = interests met + nearness (weighs more when moving around is hard) + freshness + a close
deadline + places left + what they said they look for + being entitled to an aid. Offers the
person is not eligible for are left out. A greedy pass then spreads the kinds, so the first
screen is not ten aids in a row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tenant_apps.catalogue.themes import theme_labels

from .candidates import Candidate
from .eligibility import Verdict, evaluate
from .profiles import MatchProfile

# What someone looking for X wants to see (LookingFor codes → offer kinds).
KINDS_FOR_LOOKING_FOR = {
    "emploi": {"emploi"},
    "stage": {"emploi", "formation"},
    "formation": {"formation"},
    "aides": {"aide"},
    "logement": {"aide", "service"},
    "sorties": {"evenement", "bon_plan"},
    "engagement": {"evenement", "service"},
    "accompagnement": {"service"},
    "sante": {"service", "aide"},
    "permis": {"aide", "formation"},
}
LOOKING_FOR_PHRASES = {
    "emploi": "tu cherches un job",
    "stage": "tu cherches un stage ou une alternance",
    "formation": "tu veux te former",
    "aides": "tu cherches des aides",
    "logement": "tu cherches un logement",
    "sorties": "tu as envie de sortir",
    "engagement": "tu veux t'engager",
    "accompagnement": "tu cherches quelqu'un pour t'accompagner",
    "sante": "tu veux prendre soin de ta santé",
    "permis": "tu veux passer le permis",
}
KIND_PENALTY = 0.75  # subtracted from a score for each earlier pick of the same kind


@dataclass(frozen=True)
class FeedItem:
    candidate: Candidate
    score: float
    reasons: tuple[str, ...]
    distance_km: float | None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _km(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " km" if value < 10 else f"{round(value)} km"


def _theme_matches(candidate: Candidate, interests: frozenset[str]) -> list[str]:
    """Themes of the offer the person cares about (a category matches its sub-themes)."""
    matched = []
    for theme in candidate.themes:
        category = theme.split("--", 1)[0]
        if theme in interests or category in interests:
            matched.append(theme)
    return matched


def score_candidate(
    candidate: Candidate, profile: MatchProfile, *, now: datetime, labels: dict[str, str]
) -> FeedItem | None:
    result = evaluate(candidate.eligibility, profile.engine, candidate.institution)
    if result.verdict == Verdict.NOT_ELIGIBLE:
        return None
    score, reasons = 1.0 if candidate.pinned else 0.0, []

    matched = _theme_matches(candidate, profile.interests)
    if matched:
        score += 3 + min(len(matched) - 1, 2)
        label = labels.get(matched[0], matched[0].split("--")[-1].replace("-", " "))
        reasons.append(f"tu t'intéresses à : {label.lower()}")

    wanted = [
        code
        for code in profile.looking_for
        if candidate.kind in KINDS_FOR_LOOKING_FOR.get(code, ())
    ]
    if wanted:
        score += 2
        reasons.append(LOOKING_FOR_PHRASES[sorted(wanted)[0]])

    distance = None
    if candidate.is_remote:
        score += 1.5 if profile.needs_nearby else 0.3
        reasons.append("à distance, sans te déplacer")
    elif profile.home and candidate.latitude is not None and candidate.longitude is not None:
        distance = distance_km(profile.home, (candidate.latitude, candidate.longitude))
        reach = 3.0 if profile.needs_nearby else 10.0
        score += (3.0 if profile.needs_nearby else 1.5) * max(0.0, 1 - distance / reach)
        if distance <= reach:
            reasons.append(f"à {_km(distance)} de chez toi")
        elif profile.needs_nearby:
            score -= 1.5

    if candidate.kind == "aide" and result.verdict == Verdict.ELIGIBLE and candidate.eligibility:
        score += 2.5
        reasons.append("tu y as droit")

    if profile.is_qpv and candidate.qpv_priority:
        score += 1
        reasons.append("prioritaire pour ton quartier")

    if candidate.published_at and now - candidate.published_at <= timedelta(days=7):
        score += 0.8
        reasons.append("nouveau cette semaine")

    if candidate.apply_by:
        days = (candidate.apply_by - now.date()).days
        if 0 <= days <= 14:
            score += 1 + (14 - days) / 14
            reasons.append(
                "dernier jour pour candidater"
                if days == 0
                else f"plus que {days} jour{'s' if days > 1 else ''} pour candidater"
            )

    if candidate.kind == "evenement" and candidate.starts_at:
        days = (candidate.starts_at - now).days
        if 0 <= days <= 14:
            score += 1 - days / 14

    places = candidate.places_available
    if places is not None:
        if places == 0:
            score -= 2
        elif places <= 5:
            score += 0.5
            reasons.append(f"il reste {places} place{'s' if places > 1 else ''}")

    if not reasons:
        return FeedItem(
            candidate, score, ("près de chez toi, pour les jeunes de ta ville",), distance
        )
    return FeedItem(candidate, score, tuple(reasons), distance)


def feed_for(
    *, profile: MatchProfile, candidates: Iterable[Candidate], now: datetime, limit: int = 20
) -> list[FeedItem]:
    """The best `limit` offers for this person, kinds spread out."""
    labels = theme_labels()
    scored = [
        item for c in candidates if (item := score_candidate(c, profile, now=now, labels=labels))
    ]
    scored.sort(key=lambda item: (-item.score, item.candidate.title))
    pool = scored[: limit * 4]
    picked: list[FeedItem] = []
    per_kind: dict[str, int] = {}
    while pool and len(picked) < limit:
        best = max(
            range(len(pool)),
            key=lambda i: pool[i].score - KIND_PENALTY * per_kind.get(pool[i].candidate.kind, 0),
        )
        item = pool.pop(best)
        picked.append(item)
        per_kind[item.candidate.kind] = per_kind.get(item.candidate.kind, 0) + 1
    return picked
