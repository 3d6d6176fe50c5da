"""« Mes droits »: the aids a young person is entitled to, then the ones a question away."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .candidates import Candidate
from .eligibility import Verdict
from .feed import verdict_for
from .profiles import MatchProfile

# The question to ask for each missing fact, in plain French (tutoiement).
QUESTIONS = {
    "birth_date": "Quelle est ta date de naissance ?",
    "situation": "Que fais-tu en ce moment (études, emploi, recherche…) ?",
    "commune_insee": "Dans quelle commune habites-tu ?",
    "postal_code": "Quel est ton code postal ?",
    "boursier": "Es-tu boursier·e ?",
    "quotient_familial": "Quel est le quotient familial de ta famille (attestation CAF) ?",
    "annee_etude": "En quelle année d'études es-tu ?",
    "mention_baccalaureat": "As-tu eu une mention au bac ?",
    "regime_securite_sociale": "À quel régime de sécurité sociale es-tu rattaché·e ?",
    "statut_occupation_logement": "Quelle est ta situation de logement ?",
    "formation_sanitaire_social": "Suis-tu une formation sanitaire ou sociale ?",
    "beneficiaire_rsa": "Touches-tu le RSA ?",
    "difficultes_acces_ou_frais_logement": "As-tu des difficultés pour te loger ?",
    "agence_travail_temporaire": "Travailles-tu en intérim ?",
    "situation_handicap": "Es-tu en situation de handicap ?",
    "parent": "As-tu un ou des enfants ?",
    "taux_incapacite": "Quel est ton taux d'incapacité reconnu ?",
}


@dataclass(frozen=True)
class MaybeRight:
    candidate: Candidate
    missing: tuple[str, ...]

    @property
    def question(self) -> str | None:
        """The one question that settles it (or narrows it most), if we know how to ask."""
        for fact in self.missing:
            if fact in QUESTIONS:
                return QUESTIONS[fact]
        return None


@dataclass(frozen=True)
class Rights:
    eligible: list[Candidate]
    maybe: list[MaybeRight]

    def next_questions(self, limit: int = 3) -> list[tuple[str, str, int]]:
        """The facts that would settle the most "maybe" aids: (fact, question, how many)."""
        counts = Counter(fact for m in self.maybe for fact in m.missing if fact in QUESTIONS)
        return [(fact, QUESTIONS[fact], n) for fact, n in counts.most_common(limit)]


def _sort_key(candidate: Candidate) -> tuple:
    # Local aids first (the city's own), then by amount, then title.
    return (candidate.is_national, -(candidate.amount_value or 0), candidate.title.lower())


def rights_for(*, profile: MatchProfile, candidates: Iterable[Candidate]) -> Rights:
    """Evaluate every aid of the catalogue against the profile."""
    eligible, maybe, memo = [], [], {}
    for candidate in candidates:
        if candidate.kind != "aide":
            continue
        result = verdict_for(candidate, profile, memo)
        if result.verdict == Verdict.ELIGIBLE:
            eligible.append(candidate)
        elif result.verdict == Verdict.MAYBE:
            maybe.append(MaybeRight(candidate, result.missing))
    eligible.sort(key=_sort_key)
    maybe.sort(key=lambda m: (len(m.missing), *_sort_key(m.candidate)))
    return Rights(eligible=eligible, maybe=maybe)
