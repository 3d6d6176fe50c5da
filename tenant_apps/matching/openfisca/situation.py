"""A young person's profile as OpenFisca-France inputs, for many profiles at once.

One profile becomes one household: the young person (and a partner when they live with one) in
their own famille, ménage and foyer fiscal, with no child. What a profile does not say is filled
with the defaults of `DEFAULTS`; `missing_facts` (in `simulate`) names the answers a result then
depends on, so that an amount computed on a default is shown as a "maybe", never as a promise.

Income: `net_income_monthly` is taken as the same for every month from January three years
before the simulated month up to that month. Three bases read it, and all three are filled:
- the last three months (RSA, prime d'activité): `salaire_net` (or the variable of the person's
  situation: unemployment benefit, trainee pay, service civique allowance, self-employed profit);
- the rolling year of the aide au logement (the twelve months ending two months before the
  simulated one) and the fiscal year N-2 (revenu fiscal de référence): `salaire_imposable`,
  `chomage_imposable`, `rpns_imposables`. Giving only `salaire_net` would leave those at zero:
  the aide au logement would then never fall as income rises.
Net → taxable/gross conversions are flat approximations (CSG/CRDS rates on the usual base), the
same order of error as the person's own estimate of their income.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

SITUATIONS = (
    "collegien",
    "lyceen",
    "etudiant",
    "apprenti",
    "alternant",
    "stagiaire",
    "salarie",
    "independant",
    "demandeur_emploi",
    "service_civique",
    "sans_activite",
)
HOUSING_STATUSES = (
    "parents",
    "locataire_vide",
    "locataire_meuble",
    "locataire_foyer",
    "heberge_gratuitement",
    "proprietaire",
    "sans_domicile",
)
RENTED = frozenset({"locataire_vide", "locataire_meuble", "locataire_foyer"})

# The profile fields this package reads. The last two are not (yet) asked by Tremplin: without
# them a couple's means-tested aids and the bourse sur critères sociaux stay "maybe".
FIELDS = (
    "birth_date",
    "situation",
    "commune_insee",
    "boursier",
    "net_income_monthly",
    "housing_status",
    "rent_monthly",
    "lives_with_partner",
    "partner_net_income_monthly",
    "parents_income_yearly",
)

# What an unknown answer is simulated as. Each is the most common case among the 15-25-year-olds
# Tremplin serves, or the one that promises least; the answer is then reported as missing.
DEFAULTS: dict[str, Any] = {
    "age": 20,  # years, when birth_date is unknown
    "situation": "sans_activite",
    "boursier": False,  # a boursier student gets a larger aide au logement: never assumed
    "net_income_monthly": 0.0,
    "housing_status": "parents",
    "rent_monthly": 0.0,  # no rent, no aide au logement
    "lives_with_partner": False,
    "partner_net_income_monthly": 0.0,
    "parents_income_yearly": None,  # no default: the bourse is not computed without it
}

# Flat net → taxable / gross ratios (employee contributions of a private-sector non-executive;
# CSG 2.4 % + CRDS 0.5 % are not deductible, on 98.25 % of the gross).
_NET_TO_GROSS = 1 / 0.78
_NET_TO_TAXABLE = 1 + 0.029 * 0.9825 * _NET_TO_GROSS
_CHOMAGE_NET_TO_GROSS = 1 / (1 - ((0.062 + 0.005) * 0.9825 + 0.028))
_CHOMAGE_NET_TO_TAXABLE = 1 + 0.029 * 0.9825 * _CHOMAGE_NET_TO_GROSS
# An apprentice's pay is free of income tax up to one annual SMIC (CGI art. 81 bis): as a
# monthly figure, 35 h * 52 / 12 at the hourly gross SMIC of 2026 (rounded down).
_APPRENTI_TAX_FREE_MONTHLY = 1_800.0
_MAX_MONEY = 1_000_000.0

_ACTIVITE = {
    "collegien": "etudiant",
    "lyceen": "etudiant",
    "etudiant": "etudiant",
    "apprenti": "actif",
    "alternant": "actif",
    "stagiaire": "inactif",
    "salarie": "actif",
    "independant": "actif",
    "demandeur_emploi": "chomeur",
    "service_civique": "inactif",
    "sans_activite": "inactif",
}
_SCOLARITE = {"collegien": "college", "lyceen": "lycee", "etudiant": "enseignement_superieur"}
_STATUT_OCCUPATION = {
    "parents": "loge_gratuitement",
    "locataire_vide": "locataire_vide",
    "locataire_meuble": "locataire_meuble",
    "locataire_foyer": "locataire_foyer",
    "heberge_gratuitement": "loge_gratuitement",
    "proprietaire": "proprietaire",
    "sans_domicile": "sans_domicile",
}
# Where each situation's income goes (the variable RSA and prime d'activité read monthly).
_INCOME_VARIABLE = {
    "demandeur_emploi": "chomage_net",
    "stagiaire": "revenus_stage_formation_pro",
    "service_civique": "indemnites_volontariat",
    "independant": "rpns_auto_entrepreneur_benefice",
}


class ProfileValueError(ValueError):
    """A profile value OpenFisca cannot take; `field` names it (an API answers 400 with it)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Facts:
    """A profile's answers, checked; None means the person did not say."""

    birth_date: date | None = None
    situation: str | None = None
    commune_insee: str | None = None
    boursier: bool | None = None
    net_income_monthly: float | None = None
    housing_status: str | None = None
    rent_monthly: float | None = None
    lives_with_partner: bool | None = None
    partner_net_income_monthly: float | None = None
    parents_income_yearly: float | None = None

    def unknown(self) -> frozenset[str]:
        return frozenset(name for name in FIELDS if getattr(self, name) is None)

    def departement(self) -> str | None:
        """The département of the commune, read from its INSEE code (97x: three digits)."""
        code = self.commune_insee
        if not code:
            return None
        return code[:3] if code.startswith("97") else code[:2]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _money(profile: Mapping[str, Any], name: str) -> float | None:
    value = profile.get(name)
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ProfileValueError(name, "un montant en euros est attendu")
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise ProfileValueError(name, "un montant en euros est attendu") from None
    if not math.isfinite(amount) or amount < 0 or amount > _MAX_MONEY:
        raise ProfileValueError(name, "le montant doit être positif et réaliste")
    return round(amount, 2)


def _flag(profile: Mapping[str, Any], name: str) -> bool | None:
    value = profile.get(name)
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "1", "oui", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "0", "non", "off"}:
        return False
    raise ProfileValueError(name, "oui ou non est attendu")


def _choice(profile: Mapping[str, Any], name: str, choices: Sequence[str]) -> str | None:
    value = profile.get(name)
    if _blank(value):
        return None
    if not isinstance(value, str) or value.strip() not in choices:
        raise ProfileValueError(name, "valeur inconnue")
    return value.strip()


def _birth_date(profile: Mapping[str, Any]) -> date | None:
    value = profile.get("birth_date")
    if _blank(value):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ProfileValueError("birth_date", "date attendue au format AAAA-MM-JJ") from None


def _commune(profile: Mapping[str, Any]) -> str | None:
    value = profile.get("commune_insee")
    if _blank(value):
        return None
    code = str(value).strip().upper()
    if len(code) != 5 or not (code.isdigit() or (code[:2] in {"2A", "2B"} and code[2:].isdigit())):
        raise ProfileValueError("commune_insee", "code INSEE à cinq caractères attendu")
    return code


def facts_from_profile(profile: Mapping[str, Any]) -> Facts:
    """Check a profile (DESIGN.md shape plus the money and housing fields) and keep its facts.

    Raises ProfileValueError naming the first bad field. Unknown keys are ignored."""
    return Facts(
        birth_date=_birth_date(profile),
        situation=_choice(profile, "situation", SITUATIONS),
        commune_insee=_commune(profile),
        boursier=_flag(profile, "boursier"),
        net_income_monthly=_money(profile, "net_income_monthly"),
        housing_status=_choice(profile, "housing_status", HOUSING_STATUSES),
        rent_monthly=_money(profile, "rent_monthly"),
        lives_with_partner=_flag(profile, "lives_with_partner"),
        partner_net_income_monthly=_money(profile, "partner_net_income_monthly"),
        parents_income_yearly=_money(profile, "parents_income_yearly"),
    )


def month_periods(month: str, *, back_to_year: int) -> list[str]:
    """Every month from January of `back_to_year` up to `month` (YYYY-MM), newest first."""
    year, number = (int(part) for part in month.split("-"))
    periods = []
    while year > back_to_year or (year == back_to_year and number >= 1):
        periods.append(f"{year:04d}-{number:02d}")
        number -= 1
        if number == 0:
            year, number = year - 1, 12
    return periods


@dataclass
class Situation:
    """OpenFisca inputs for a batch: persons, their groups, and arrays per variable and period.

    Person i < n is profile i's young person; persons n.. are the partners. Group entity j is
    profile j's household, except foyers fiscaux n.. (a partner files their own return)."""

    month: str
    n: int
    partner_of: np.ndarray  # profile index of each partner
    inputs: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    @property
    def n_persons(self) -> int:
        return self.n + len(self.partner_of)

    def put(self, variable: str, period: str, values: np.ndarray) -> None:
        self.inputs.setdefault(variable, {})[period] = values


def _column(facts: Sequence[Facts], name: str, default: Any, dtype: Any = None) -> np.ndarray:
    values = [getattr(f, name) for f in facts]
    return np.array([default if v is None else v for v in values], dtype=dtype)


def build_situation(facts: Sequence[Facts], *, month: str) -> Situation:
    """The OpenFisca inputs of these profiles for the month simulated (YYYY-MM)."""
    n = len(facts)
    year = int(month[:4])
    on = date(year, int(month[5:7]), 1)
    partner_mask = _column(facts, "lives_with_partner", DEFAULTS["lives_with_partner"], bool)
    partner_of = np.flatnonzero(partner_mask)
    situation = Situation(month=month, n=n, partner_of=partner_of)
    n_persons = situation.n_persons

    def persons(young: np.ndarray, partner: Any) -> np.ndarray:
        """A person-sized array: the young people's values, then the partners' ones."""
        partners = np.broadcast_to(np.asarray(partner, dtype=young.dtype), (len(partner_of),))
        return np.concatenate([young, partners])

    default_birth = date(year - DEFAULTS["age"], on.month, 1)
    births = np.array([f.birth_date or default_birth for f in facts], dtype="datetime64[D]")
    situation.put("date_naissance", "ETERNITY", np.concatenate([births, births[partner_of]]))

    kinds = _column(facts, "situation", DEFAULTS["situation"], object)
    income = _column(facts, "net_income_monthly", DEFAULTS["net_income_monthly"], float)
    partner_income = _column(
        facts, "partner_net_income_monthly", DEFAULTS["partner_net_income_monthly"], float
    )[partner_of]
    housing = _column(facts, "housing_status", DEFAULTS["housing_status"], object)
    rent = _column(facts, "rent_monthly", DEFAULTS["rent_monthly"], float)
    rent = np.where(np.isin(housing, list(RENTED)), rent, 0.0)
    boursier = _column(facts, "boursier", DEFAULTS["boursier"], bool)
    depcom = np.array([f.commune_insee or "" for f in facts], dtype="S5")

    activite = np.array([_ACTIVITE[k] for k in kinds], dtype=object)
    partner_activite = np.where(partner_income > 0, "actif", "inactif").astype(object)
    scolarite = np.array([_SCOLARITE.get(k, "inconnue") for k in kinds], dtype=object)
    apprenti = kinds == "apprenti"
    alternant = np.isin(kinds, ["apprenti", "alternant"])
    student = scolarite == "enseignement_superieur"

    # Monthly income, split by the variable each situation's income lands in.
    by_variable: dict[str, np.ndarray] = {
        "salaire_net": np.zeros(n_persons),
        "chomage_net": np.zeros(n_persons),
        "revenus_stage_formation_pro": np.zeros(n_persons),
        "indemnites_volontariat": np.zeros(n_persons),
        "rpns_auto_entrepreneur_benefice": np.zeros(n_persons),
    }
    target = np.array([_INCOME_VARIABLE.get(k, "salaire_net") for k in kinds], dtype=object)
    for variable, array in by_variable.items():
        array[:n] = np.where(target == variable, income, 0.0)
    by_variable["salaire_net"][n:] = partner_income  # a partner's income: taken as a wage

    salaire = by_variable["salaire_net"]
    salaire_imposable = salaire * _NET_TO_TAXABLE
    salaire_imposable[:n] = np.where(
        apprenti,
        np.maximum(0.0, salaire_imposable[:n] - _APPRENTI_TAX_FREE_MONTHLY),
        salaire_imposable[:n],
    )
    # Vocational trainees' pay is taxed as a wage; the service civique allowance is tax-free.
    salaire_imposable += by_variable["revenus_stage_formation_pro"] * _NET_TO_TAXABLE
    chomage = by_variable["chomage_net"]
    independant_yearly = by_variable["rpns_auto_entrepreneur_benefice"] * 12

    monthly: dict[str, np.ndarray] = {
        **by_variable,
        "salaire_imposable": salaire_imposable,
        "salaire_de_base": salaire * _NET_TO_GROSS,
        "chomage_imposable": chomage * _CHOMAGE_NET_TO_TAXABLE,
        "chomage_brut": chomage * _CHOMAGE_NET_TO_GROSS,
        # Left to its formula, an apprentice's pay would be added again from a legal scale.
        "remuneration_apprenti": np.zeros(n_persons),
        "activite": persons(activite, partner_activite),
        "scolarite": persons(scolarite, "inconnue"),
        "statuts_etablissement_scolaire": persons(
            np.where(student, "public", "inconnu").astype(object), "inconnu"
        ),
        "apprenti": persons(apprenti, False),
        "alternant": persons(alternant, False),
        "professionnalisation": persons(kinds == "alternant", False),
        "service_civique": persons(kinds == "service_civique", False),
        "habite_chez_parents": persons(housing == "parents", False),
        "boursier": persons(boursier, False),
        "handicap": np.zeros(n_persons, dtype=bool),
    }
    menage_monthly = {
        "depcom": depcom,
        "statut_occupation_logement": np.array(
            [_STATUT_OCCUPATION[h] for h in housing], dtype=object
        ),
        "loyer": rent,
        "coloc": np.zeros(n, dtype=bool),
        "logement_crous": np.zeros(n, dtype=bool),
    }
    for period in month_periods(month, back_to_year=year - 3):
        for variable, values in monthly.items():
            situation.put(variable, period, values)
        for variable, values in menage_monthly.items():
            situation.put(variable, period, values)
    for offset in range(4):
        situation.put("rpns_imposables", str(year - offset), independant_yearly)
        situation.put("enfant_a_charge", str(year - offset), np.zeros(n_persons, dtype=bool))

    parents_income = np.array([f.parents_income_yearly or 0.0 for f in facts], dtype=float)
    for period in month_periods(month, back_to_year=year):
        situation.put(
            "bourse_criteres_sociaux_base_ressources_parentale",
            period,
            persons(parents_income, 0.0),
        )
    return situation


def situations_facts(profiles: Iterable[Mapping[str, Any]]) -> list[Facts]:
    """Check every profile; the first bad one raises ProfileValueError."""
    return [facts_from_profile(profile) for profile in profiles]
