"""« Pour toi »: offers ranked for one young person, each with plain-French reasons.

Score = interests met + nearness (weighs more when moving around is hard) + freshness + a close
deadline + places left + what they said they look for + being entitled to an aid. Offers the
person is not eligible for are left out. A greedy pass then spreads the kinds, so the first
screen is not ten aids in a row.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from kernel.geo import fast_distance_km

from tenant_apps.catalogue.themes import theme_labels

from .candidates import Candidate
from .eligibility import Verdict, evaluate
from .profiles import MatchProfile

# What someone looking for X wants to see: offer kinds, and for some needs the themes that say
# the offer is about that need (an aid is not "about the driving licence" just for being an aid).
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
THEMES_FOR_LOOKING_FOR = {
    "logement": ("logement-hebergement",),
    "sante": ("sante",),
    "permis": ("mobilite--preparer-un-permis",),
    "engagement": ("engagement", "remobilisation--benevolat-action-citoyenne"),
    "sorties": ("sport", "culture", "loisirs"),
}


def looks_for(code: str, candidate: Candidate) -> bool:
    if candidate.kind not in KINDS_FOR_LOOKING_FOR.get(code, ()):
        return False
    themes = THEMES_FOR_LOOKING_FOR.get(code)
    return themes is None or any(t.startswith(themes) for t in candidate.themes)


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
MAX_REASONS = 3
KIND_PENALTY = 0.75  # subtracted from a score for each earlier pick of the same kind


@dataclass(frozen=True)
class FeedItem:
    candidate: Candidate
    score: float
    reasons: tuple[str, ...]
    distance_km: float | None


def _km(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " km" if value < 10 else f"{round(value)} km"


def _theme_matches(candidate: Candidate, interests: frozenset[str]) -> list[str]:
    """Themes of the offer the person cares about (a category matches its sub-themes)."""
    if interests.isdisjoint(candidate.theme_keys):
        return []
    matched = []
    for theme in candidate.themes:
        category = theme.split("--", 1)[0]
        if theme in interests or category in interests:
            matched.append(theme)
    return matched


def verdict_for(candidate: Candidate, profile: MatchProfile, memo: dict | None = None):
    """The engine's answer, computed once per distinct rule set when a memo is given."""
    if memo is None:
        return evaluate(candidate.eligibility, profile.engine, candidate.institution)
    key = candidate.verdict_key
    result = memo.get(key)
    if result is None:
        result = memo[key] = evaluate(candidate.eligibility, profile.engine, candidate.institution)
    return result


@dataclass
class Scoring:
    """What scoring needs beyond the person: the time, labels, and the per-person verdicts."""

    now: datetime
    labels: dict[str, str] = field(default_factory=theme_labels)
    memo: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.week_ago = self.now - timedelta(days=7)
        self.today = timezone.localdate(self.now)


def score_candidate(
    candidate: Candidate, profile: MatchProfile, scoring: Scoring
) -> FeedItem | None:
    """Score one offer for one person, with its plain-French reasons (None: not for them)."""
    reasons: list[tuple[float, str]] = []
    score = _score(candidate, profile, scoring, reasons)
    if score is None:
        return None
    if not reasons:
        reasons.append((0, "pour les jeunes de ta ville"))
    # The strongest few reasons are enough to read on a phone.
    strongest = sorted(reasons, key=lambda reason: -reason[0])[:MAX_REASONS]
    distance = None
    if profile.home and candidate.latitude is not None and not candidate.is_remote:
        distance = fast_distance_km(profile.home, (candidate.latitude, candidate.longitude))
    return FeedItem(candidate, score, tuple(text for _gain, text in strongest), distance)


def _score(
    candidate: Candidate,
    profile: MatchProfile,
    scoring: Scoring,
    reasons: list[tuple[float, str]] | None,
) -> float | None:
    """The score; reasons are collected only when a list is given (the slow, textual part)."""
    result = verdict_for(candidate, profile, scoring.memo)
    if result.verdict == Verdict.NOT_ELIGIBLE:
        return None
    explain = reasons is not None
    score = 1.0 if candidate.pinned else 0.0

    if profile.interests:
        matched = _theme_matches(candidate, profile.interests)
        if matched:
            gain = 3 + min(len(matched) - 1, 2)
            score += gain
            if explain:
                label = scoring.labels.get(matched[0], matched[0].split("--")[-1])
                reasons.append((gain, f"tu t'intéresses à : {label.replace('-', ' ').lower()}"))

    if profile.looking_for:
        wanted = [code for code in profile.looking_for if looks_for(code, candidate)]
        if wanted:
            score += 2
            if explain:
                reasons.append((2, LOOKING_FOR_PHRASES[sorted(wanted)[0]]))

    if candidate.is_remote:
        gain = 1.5 if profile.needs_nearby else 0.3
        score += gain
        if explain:
            reasons.append((gain, "à distance, sans te déplacer"))
    elif profile.home and candidate.latitude is not None and candidate.longitude is not None:
        distance = fast_distance_km(profile.home, (candidate.latitude, candidate.longitude))
        reach = 3.0 if profile.needs_nearby else 10.0
        gain = (3.0 if profile.needs_nearby else 1.5) * max(0.0, 1 - distance / reach)
        score += gain
        if distance <= reach:
            if explain:
                reasons.append((gain, f"à {_km(distance)} de chez toi"))
        elif profile.needs_nearby:
            score -= 1.5

    if candidate.kind == "aide" and result.verdict == Verdict.ELIGIBLE and candidate.eligibility:
        score += 2.5
        if explain:
            reasons.append((2.5, "tu y as droit"))

    if profile.is_qpv and candidate.qpv_priority:
        score += 1
        if explain:
            reasons.append((1, "prioritaire pour ton quartier"))

    if candidate.published_at and candidate.published_at >= scoring.week_ago:
        score += 0.8
        if explain:
            reasons.append((0.8, "nouveau cette semaine"))

    if candidate.apply_by:
        days = (candidate.apply_by - scoring.today).days
        if 0 <= days <= 14:
            gain = 1 + (14 - days) / 14
            score += gain
            if explain:
                reasons.append(
                    (
                        gain,
                        "dernier jour pour candidater"
                        if days == 0
                        else f"plus que {days} jour{'s' if days > 1 else ''} pour candidater",
                    )
                )

    if candidate.kind == "evenement" and candidate.starts_at:
        days = (candidate.starts_at - scoring.now).days
        if 0 <= days <= 14:
            score += 1 - days / 14

    places = candidate.places_available
    if places is not None:
        if places == 0:
            score -= 2
        elif places <= 5:
            score += 0.5
            if explain:
                reasons.append((0.5, f"il reste {places} place{'s' if places > 1 else ''}"))

    return score


def feed_for(
    *, profile: MatchProfile, candidates: Iterable[Candidate], now: datetime, limit: int = 20
) -> list[FeedItem]:
    """The best `limit` offers for this person, kinds spread out.

    Two passes: every offer gets a score (no text), then only the best few get their reasons.
    """
    scoring = Scoring(now=now)
    scored = ((_score(c, profile, scoring, None), c) for c in candidates)
    best = heapq.nsmallest(
        limit * 4, ((s, c) for s, c in scored if s is not None), key=lambda x: (-x[0], x[1].title)
    )
    pool = [item for _s, c in best if (item := score_candidate(c, profile, scoring))]
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
