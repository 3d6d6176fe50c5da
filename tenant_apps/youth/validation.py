"""Checks on profile answers shared by the API and the questionnaire pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from shared_apps.geo.communes import commune_get
from tenant_apps.catalogue.themes import is_theme

from .choices import (
    MAX_MONTHLY_INCOME,
    MAX_MONTHLY_RENT,
    MIN_AGE,
    DiplomaLevel,
    Frein,
    HousingStatus,
    LookingFor,
    Situation,
)
from .models import Neighbourhood
from .selectors import is_old_enough

POSTAL_CODE = re.compile(r"^\d{5}$")
FACT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FACTS = 40


def _unknown(values: list[str], allowed) -> list[str]:
    return [v for v in values if v not in allowed]


def profile_errors(data: dict[str, Any], *, today: date) -> dict[str, list[str]]:
    """Field → French messages for the answers in `data` (only the keys present are checked)."""
    errors: dict[str, list[str]] = {}
    birth_date = data.get("birth_date")
    if birth_date is not None:
        if not isinstance(birth_date, date) or birth_date.year < 1900 or birth_date > today:
            errors["birth_date"] = ["Cette date de naissance n'est pas possible."]
        elif not is_old_enough(birth_date, today):
            errors["birth_date"] = [f"Tremplin est ouvert à partir de {MIN_AGE} ans."]
    checks = (
        ("situation", Situation.values),
        ("diploma_level", DiplomaLevel.values),
        ("housing_status", HousingStatus.values),
    )
    for name, allowed in checks:
        if data.get(name) and data[name] not in allowed:
            errors[name] = [f"Choix inconnu : {data[name]}."]
    for name, allowed in (("freins", Frein.values), ("looking_for", LookingFor.values)):
        if bad := _unknown(list(data.get(name) or []), allowed):
            errors[name] = [f"Choix inconnu : {', '.join(bad)}."]
    if bad := [code for code in data.get("interests") or [] if not is_theme(code)]:
        errors["interests"] = [f"Thématique inconnue : {', '.join(bad)}."]
    code = data.get("neighbourhood")
    if code and not Neighbourhood.objects.filter(code=code).exists():
        errors["neighbourhood"] = [f"Aucun quartier de la ville n'a le code « {code} »."]
    insee = data.get("commune_insee")
    if insee and commune_get(insee) is None:
        errors["commune_insee"] = [f"Aucune commune ne porte le code INSEE {insee}."]
    postal_code = data.get("postal_code")
    if postal_code and not POSTAL_CODE.match(postal_code):
        errors["postal_code"] = ["Un code postal comporte 5 chiffres."]
    for name, most, label in (
        ("net_income_monthly", MAX_MONTHLY_INCOME, "Tes revenus"),
        ("rent_monthly", MAX_MONTHLY_RENT, "Ton loyer"),
    ):
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            errors[name] = [f"{label} : indique un montant en euros."]
        elif not 0 <= value <= most:
            errors[name] = [f"{label} : indique un montant entre 0 et {most} € par mois."]
    lives_with_partner = data.get("lives_with_partner")
    if lives_with_partner is not None and not isinstance(lives_with_partner, bool):
        errors["lives_with_partner"] = ["Réponds par oui ou par non."]
    facts = data.get("facts")
    if facts is not None:
        if not isinstance(facts, dict) or len(facts) > MAX_FACTS:
            errors["facts"] = ["Les réponses complémentaires forment un objet (40 au plus)."]
        elif bad := [
            str(k)
            for k, v in facts.items()
            if not FACT_NAME.match(str(k))
            or not (v is None or isinstance(v, bool | int | float) or _short_text(v))
        ]:
            errors["facts"] = [f"Réponse complémentaire invalide : {', '.join(bad)}."]
    name = data.get("display_name")
    if name is not None and len(name) > 60:
        errors["display_name"] = ["Ton pseudo fait 60 caractères au plus."]
    return errors


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 100
