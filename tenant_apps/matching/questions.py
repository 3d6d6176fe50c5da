"""The questions « Mes droits » asks: one per fact the engine or OpenFisca may miss.

Each question knows how to show itself as a form field (no JavaScript needed) and how to turn
the answer into the profile's shape: a profile field (`{"housing_status": "locataire_vide"}`) or
one of the engine's extra facts (`{"facts": {"annee_etude": "licence_1"}}`). The page and the
API both read this registry, so a fact is asked the same way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from shared_apps.geo.communes import commune_search
from tenant_apps.youth.choices import (
    MAX_MONTHLY_INCOME,
    MAX_MONTHLY_RENT,
    HousingStatus,
    Situation,
)

YES_NO = (("oui", "Oui"), ("non", "Non"))
STUDY_YEARS = (
    ("seconde", "Seconde"),
    ("premiere", "Première"),
    ("terminale", "Terminale"),
    ("cap_1", "CAP, 1re année"),
    ("cap_2", "CAP, 2e année"),
    ("bts_1", "BTS, 1re année"),
    ("but_1", "BUT, 1re année"),
    ("cpge_1", "Prépa, 1re année"),
    ("licence_1", "Licence 1"),
    ("licence_2", "Licence 2"),
    ("licence_3", "Licence 3"),
    ("master_1", "Master 1"),
    ("master_2", "Master 2"),
    ("autre", "Autre"),
)
BAC_MENTIONS = (
    ("sans_mention", "Sans mention ou pas encore le bac"),
    ("mention_assez_bien", "Assez bien"),
    ("mention_bien", "Bien"),
    ("mention_tres_bien", "Très bien"),
    ("mention_tres_bien_felicitations_jury", "Très bien avec félicitations du jury"),
)
SOCIAL_SECURITY = (
    ("regime_general", "Le régime général (la plupart des gens)"),
    ("regime_agricole", "La MSA (régime agricole)"),
    ("autre", "Un autre régime"),
)


@dataclass(frozen=True)
class Question:
    fact: str  # what the engine or OpenFisca reports as missing
    text: str  # the question, in plain French (tutoiement)
    kind: str  # date | choice | yesno | euros | number | commune
    field: str  # the profile field that keeps the answer, or "facts"
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    most: int | None = None  # upper bound of a number


QUESTIONS: dict[str, Question] = {
    q.fact: q
    for q in (
        Question("birth_date", "Quelle est ta date de naissance ?", "date", "birth_date"),
        Question(
            "situation",
            "Que fais-tu en ce moment ?",
            "choice",
            "situation",
            tuple((str(v), str(label)) for v, label in Situation.choices),
        ),
        Question(
            "commune_insee",
            "Dans quelle commune habites-tu ?",
            "commune",
            "commune_insee",
            hint="Ton code postal ou le nom de ta commune.",
        ),
        Question("postal_code", "Quel est ton code postal ?", "commune", "commune_insee"),
        Question("boursier", "Es-tu boursier·e ?", "yesno", "boursier", YES_NO),
        Question(
            "net_income_monthly",
            "Combien gagnes-tu par mois, en net ?",
            "euros",
            "net_income_monthly",
            hint="Salaire, stage, indemnités… 0 si tu n'as pas de revenus.",
            most=MAX_MONTHLY_INCOME,
        ),
        Question(
            "housing_status",
            "Où habites-tu ?",
            "choice",
            "housing_status",
            tuple((str(v), str(label)) for v, label in HousingStatus.choices),
        ),
        Question(
            "statut_occupation_logement",
            "Où habites-tu ?",
            "choice",
            "housing_status",
            tuple((str(v), str(label)) for v, label in HousingStatus.choices),
        ),
        Question(
            "rent_monthly",
            "Quel est ton loyer par mois, charges comprises ?",
            "euros",
            "rent_monthly",
            hint="Ta part si tu es en colocation.",
            most=MAX_MONTHLY_RENT,
        ),
        Question("lives_with_partner", "Vis-tu en couple ?", "yesno", "lives_with_partner", YES_NO),
        Question(
            "quotient_familial",
            "Quel est le quotient familial de ta famille ?",
            "number",
            "facts",
            hint="Il est écrit sur l'attestation de la CAF.",
            most=100_000,
        ),
        Question("annee_etude", "En quelle année d'études es-tu ?", "choice", "facts", STUDY_YEARS),
        Question(
            "mention_baccalaureat", "As-tu eu une mention au bac ?", "choice", "facts", BAC_MENTIONS
        ),
        Question(
            "regime_securite_sociale",
            "À quel régime de sécurité sociale es-tu rattaché·e ?",
            "choice",
            "facts",
            SOCIAL_SECURITY,
        ),
        Question(
            "formation_sanitaire_social",
            "Suis-tu une formation sanitaire ou sociale ?",
            "yesno",
            "facts",
            YES_NO,
        ),
        Question("beneficiaire_rsa", "Touches-tu le RSA ?", "yesno", "facts", YES_NO),
        Question(
            "difficultes_acces_ou_frais_logement",
            "As-tu des difficultés pour te loger ?",
            "yesno",
            "facts",
            YES_NO,
        ),
        Question(
            "agence_travail_temporaire", "Travailles-tu en intérim ?", "yesno", "facts", YES_NO
        ),
        Question(
            "situation_handicap", "Es-tu en situation de handicap ?", "yesno", "facts", YES_NO
        ),
        Question("parent", "As-tu un ou des enfants ?", "yesno", "facts", YES_NO),
        Question(
            "taux_incapacite",
            "Quel est ton taux d'incapacité reconnu (en %) ?",
            "number",
            "facts",
            most=100,
        ),
    )
}


class AnswerInvalid(ValueError):
    """An answer we cannot use; the message is French and shown next to the field."""


_NUMBER = re.compile(r"^\s*(\d[\d\s\u202f]*)([,.]\d{1,2})?\s*(€|euros?)?\s*$", re.IGNORECASE)


def _number(raw: str, most: int | None) -> Decimal:
    match = _NUMBER.match(raw or "")
    if not match:
        raise AnswerInvalid("Écris un nombre, par exemple 850.")
    text = re.sub(r"[\s\u202f]", "", match.group(1)) + (match.group(2) or "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern only lets digits through
        raise AnswerInvalid("Écris un nombre, par exemple 850.") from exc
    if most is not None and value > most:
        raise AnswerInvalid(f"Ce nombre semble trop grand (au plus {most}).")
    return value


def answer_parse(question: Question, raw: str, *, today: date) -> dict[str, Any]:
    """The profile-shaped data for one answer; raises AnswerInvalid."""
    raw = (raw or "").strip()
    if not raw:
        raise AnswerInvalid("Choisis ou écris une réponse.")
    value: Any
    if question.kind == "date":
        try:
            value = date.fromisoformat(raw)
        except ValueError as exc:
            raise AnswerInvalid("Indique une date, par exemple 2006-04-15.") from exc
        if value > today or value.year < 1900:
            raise AnswerInvalid("Cette date n'est pas possible.")
    elif question.kind in ("choice", "yesno"):
        if raw not in {code for code, _ in question.choices}:
            raise AnswerInvalid("Choisis une des réponses proposées.")
        value = {"oui": True, "non": False}.get(raw, raw) if question.kind == "yesno" else raw
    elif question.kind == "euros":
        value = _number(raw, question.most)
    elif question.kind == "number":
        number = _number(raw, question.most)
        value = int(number) if number == number.to_integral_value() else float(number)
    elif question.kind == "commune":
        found = commune_search(raw, limit=6)
        exact = [c for c in found if raw in (c.insee, *c.postal_codes)]
        matches = exact or found
        if not matches:
            raise AnswerInvalid("Nous ne trouvons pas cette commune : vérifie l'orthographe.")
        if len(matches) > 1 and len({c.insee for c in matches}) > 1:
            names = ", ".join(f"{c.name} ({c.postal_codes[0]})" for c in matches[:5])
            raise AnswerInvalid(f"Plusieurs communes correspondent : {names}. Précise la tienne.")
        commune = matches[0]
        postal = raw if raw in commune.postal_codes else commune.postal_codes[0]
        return {"commune_insee": commune.insee, "postal_code": postal}
    else:  # pragma: no cover - every kind is handled above
        raise AnswerInvalid("Question inconnue.")
    if question.field == "facts":
        return {"facts": {question.fact: value}}
    return {question.field: value}


def question_for(fact: str) -> Question | None:
    return QUESTIONS.get(fact)
