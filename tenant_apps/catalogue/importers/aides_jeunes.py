"""aides-jeunes benefit YAML (betagouv/aides-jeunes, data/benefits/javascript/*.yml).

National, regional, départemental, intercommunal benefits, and communal ones for communes not on
Tremplin, go to the national catalogue (public schema). A communal benefit (a `communes`
condition, or an institution of type commune) of an onboarded city goes to that city's catalogue.

We never copy the files' prose: the summary is written from structured fields
("Aide de 200 € (ponctuelle) — CAF de la Haute-Savoie") and the source link is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from shared_apps.offers.computed import computed_benefit_slugs, computed_condition

from ..models import Offer, OfferStatus, Periodicity
from ..validation import VALID_SITUATIONS, eligibility_errors
from .base import ImportReport, Progress, RecordRejected, Upserter

SOURCE = "aides-jeunes"


class BenefitLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """Safe loader where a bare `=` stays the string "=" (YAML 1.1 reads it as a `value` tag)."""


BenefitLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: node.value)

PROFILE_SITUATIONS = {
    "chomeur": "demandeur_emploi",
    "enseignement_superieur": "etudiant",
    "professionnalisation": "alternant",
    "inactif": "sans_activite",
}
INTEREST_THEMES = {
    "_interetPermisDeConduire": ["mobilite--preparer-un-permis"],
    "_interetBafa": ["engagement", "se-former"],
    "_interetEtudesEtranger": ["souvrir-a-linternational"],
    "_interetAidesSanitaireSocial": ["se-former"],
}
KEYWORD_THEMES = [
    (re.compile(r"permis|conduire"), "mobilite--preparer-un-permis"),
    (re.compile(r"transport|mobilit|v[ée]lo|covoiturage|train|bus\b|ter\b"), "mobilite"),
    (re.compile(r"logement|loyer|h[ée]bergement|colocation|caution"), "logement-hebergement"),
    (re.compile(r"sant[ée]|soin|psycholog|mutuelle"), "sante"),
    (re.compile(r"sport|licence"), "sport"),
    (re.compile(r"culture|cin[ée]ma|th[ée][aâ]tre|musique|livre|spectacle"), "culture"),
    (re.compile(r"formation|[ée]tude|bourse|dipl[ôo]me|apprenti"), "se-former"),
    (re.compile(r"emploi|job|travail|embauche|stage"), "trouver-un-emploi"),
    (re.compile(r"ordinateur|num[ée]rique|internet"), "numerique"),
    (re.compile(r"engagement|b[ée]n[ée]vol|service civique|volontari"), "engagement"),
    (re.compile(r"erasmus|[ée]tranger|europe|international"), "souvrir-a-linternational"),
]
PERIODICITY_TEXT = {"ponctuelle": "ponctuelle", "mensuelle": "par mois", "annuelle": "par an"}
INSTITUTION_TYPE_LABELS = {
    "national": "national",
    "region": "région",
    "departement": "département",
    "caf": "CAF",
    "msa": "MSA",
    "epci": "intercommunalité",
    "commune": "commune",
    "europeen": "Union européenne",
    "autre": "autre",
}


# Institution types that are a territory, and the aides-jeunes condition naming it.
TERRITORY_LEVELS = ("commune", "epci", "departement", "region")
TERRITORY_CONDITIONS = {
    "commune": "communes",
    "epci": "epcis",
    "departement": "departements",
    "region": "regions",
}


def institution_territory(institution: dict) -> tuple[str, list[str]] | None:
    """(level, official codes) of the territory an institution serves; None when national.

    Communes, départements and régions carry their INSEE code, EPCI their SIREN (the code
    the communes reference gives for a commune's EPCI); a local CAF or MSA serves the
    départements it lists."""
    kind = str(institution.get("type") or "")
    if kind == "epci" and institution.get("code_siren"):
        return "epci", [str(institution["code_siren"])]
    if kind in ("commune", "departement", "region") and institution.get("code_insee"):
        return kind, [str(institution["code_insee"])]
    if kind in ("caf", "msa") and institution.get("departments"):
        return "departement", [str(code) for code in institution["departments"]]
    return None


def find_institutions_dir(path: Path) -> Path | None:
    for parent in [path, *path.parents]:
        candidate = parent / "institutions"
        if candidate.is_dir():
            return candidate
    return None


def load_institutions(folder: Path | None) -> dict[str, dict]:
    institutions: dict[str, dict] = {}
    if folder is None:
        return institutions
    for file in sorted(folder.glob("*.yml")):
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=BenefitLoader)  # noqa: S506
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(data, dict):
            institutions[file.stem] = data
    return institutions


def iter_benefit_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml"))


def _format_amount(value: Decimal) -> str:
    text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return text[:-3] if text.endswith(",00") else text


def _ages(conditions: list[dict]) -> tuple[int | None, int | None]:
    age_min = age_max = None
    for condition in conditions:
        if condition.get("type") != "age":
            continue
        try:
            value = int(condition.get("value"))
        except (TypeError, ValueError):
            continue
        operator = str(condition.get("operator", "")).strip()
        if operator in (">=", ">", "="):
            bound = value + 1 if operator == ">" else value
            age_min = bound if age_min is None else max(age_min, bound)
        if operator in ("<=", "<", "="):
            bound = value - 1 if operator == "<" else value
            age_max = bound if age_max is None else min(age_max, bound)
    return age_min, age_max


def _codes(conditions: list[dict], kind: str) -> list[str]:
    codes: list[str] = []
    for condition in conditions:
        if condition.get("type") == kind:
            codes += [str(v) for v in condition.get("values") or []]
    return codes


def summary_for(
    *, amount: Decimal | None, unit: str, periodicity: str, institution: str, ages: tuple
) -> str:
    """Our own neutral sentence, from structured fields only."""
    if amount is not None and unit == "%":
        text = f"Prise en charge de {_format_amount(amount)} %"
    elif amount is not None and unit and unit != "€":
        text = f"Aide : {_format_amount(amount)} {unit}"
    elif amount is not None:
        text = f"Aide de {_format_amount(amount)} €"
    else:
        text = "Aide"
    if amount is not None and periodicity in PERIODICITY_TEXT:
        text += f" ({PERIODICITY_TEXT[periodicity]})"
    if institution:
        text += f" — {institution}"
    age_min, age_max = ages
    if age_min is not None and age_max is not None:
        text += f", de {age_min} à {age_max} ans"
    elif age_min is not None:
        text += f", dès {age_min} ans"
    elif age_max is not None:
        text += f", jusqu'à {age_max} ans"
    return text + "."


def _themes(data: dict, label: str) -> list[str]:
    themes = list(INTEREST_THEMES.get(str(data.get("interestFlag")), []))
    lowered = label.lower()
    for pattern, theme in KEYWORD_THEMES:
        if pattern.search(lowered) and theme not in themes:
            themes.append(theme)
    return themes


def _url(value: Any) -> str:
    text = str(value or "").strip()
    return text if text.startswith(("http://", "https://")) and len(text) <= 500 else ""


# aides-jeunes place types (`lieuxTypes` of a benefit or its institution): where to go, in our
# own words. Unknown types are left out.
PLACE_TYPE_LABELS = {
    "caf": "une agence de la CAF",
    "cpam": "une agence de l'Assurance maladie (CPAM)",
    "carsat": "une agence de l'Assurance retraite (Carsat)",
    "mds": "une maison départementale des solidarités",
    "cdas": "un centre départemental d'action sociale",
    "centre_social": "un centre social",
    "ccas": "le CCAS de ta commune",
    "france_travail": "une agence France Travail",
    "mission_locale": "une mission locale",
    "pij": "un point information jeunesse",
    "france_services": "un espace France services",
}


def _teleservice(data: dict) -> str:
    """The online form; a benefit paid by the CAF or the MSA lists one per body
    (`teleservices: {caf: …, msa: …}`): most young people depend on the CAF."""
    several = data.get("teleservices")
    if isinstance(several, dict):
        for key in ("caf", *several):
            link = _url(several.get(key))
            if link:
                return link
    return _url(data.get("teleservice"))


def _apply_place(data: dict, institution: dict) -> str:
    kinds = data.get("lieuxTypes") or institution.get("lieuxTypes") or []
    if not isinstance(kinds, list):
        return ""
    labels = [PLACE_TYPE_LABELS[k] for k in kinds if isinstance(k, str) and k in PLACE_TYPE_LABELS]
    text = " ou ".join(dict.fromkeys(labels))
    return (text[0].upper() + text[1:])[:200] if text else ""


def is_computed_benefit(data: dict) -> bool:
    """A file of benefits/openfisca/ (an OpenFisca entity and period, no rules)."""
    return "openfiscaPeriod" in data or ("entity" in data and "conditions_generales" not in data)


def parse_benefit(
    slug: str,
    data: Any,
    institutions: dict[str, dict],
    computed_slugs: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Our offer fields plus `_scope` and geography for one benefit; raises RecordRejected.

    `computed_slugs`: the benefits of benefits/openfisca/ whose amount Tremplin computes."""
    if not isinstance(data, dict):
        raise RecordRejected("le fichier ne décrit pas une aide (pas un dictionnaire YAML)")
    label = str(data.get("label") or "").strip()
    if not label:
        raise RecordRejected("champ « label » manquant")
    general = data.get("conditions_generales") or []
    profiles = data.get("profils") or []
    if is_computed_benefit(data):
        # A benefit of benefits/openfisca/: no rules in the file, the amount OpenFisca
        # computes for the person decides (an amount of 0 means not entitled).
        if slug not in computed_slugs:
            raise RecordRejected(
                "montant non calculé par Tremplin pour un·e jeune sans enfant (non importée)"
            )
        general, profiles = [computed_condition(slug)], []
    eligibility = {"conditions_generales": general, "profils": profiles}
    problems = eligibility_errors(eligibility)
    if problems:
        raise RecordRejected(" ".join(problems))
    institution_slug = str(data.get("institution") or "")
    institution = institutions.get(institution_slug, {})
    institution_name = str(institution.get("name") or institution_slug.replace("_", " "))
    amount = None
    if data.get("type") == "float" and data.get("montant") is not None:
        try:
            amount = Decimal(str(data["montant"]))
        except InvalidOperation as exc:
            raise RecordRejected(f"montant illisible : {data['montant']!r}") from exc
        if not amount.is_finite() or abs(amount) >= Decimal("1e8"):
            raise RecordRejected(f"montant hors limites : {data['montant']!r}")
    unit = str(data.get("unit") or ("€" if amount is not None else ""))[:20]
    periodicity = str(data.get("periodicite") or "")
    if periodicity not in Periodicity.values:
        periodicity = ""
    ages = _ages(general)
    situations = []
    for profile in profiles:
        situation = PROFILE_SITUATIONS.get(profile["type"], profile["type"])
        if situation in VALID_SITUATIONS and situation not in situations:
            situations.append(situation)

    communes = _codes(general, "communes")
    epcis = _codes(general, "epcis")
    departements = _codes(general, "departements")
    regions = _codes(general, "regions")
    territory = institution_territory(institution)
    if territory is not None:
        # Who grants the aid bounds where it applies, whatever its conditions say (as
        # aides-jeunes does): the institution's territory is one more general condition.
        level, codes = territory
        condition = {"type": TERRITORY_CONDITIONS[level], "values": codes}
        if condition not in general:
            eligibility["conditions_generales"] = [*general, condition]
        if not (communes or epcis or departements or regions):
            communes, epcis, departements, regions = (
                codes if level == each else [] for each in TERRITORY_LEVELS
            )
    teleservice = _teleservice(data)
    form, instructions = _url(data.get("form")), _url(data.get("instructions"))
    if communes:
        scope = "communal"
    elif epcis:
        scope = "epci"
    elif departements:
        scope = "departemental"
    elif regions:
        scope = "regional"
    else:
        scope = "national"
    return {
        "kind": "aide",
        "title": (label[0].upper() + label[1:])[:200],
        "summary": (
            f"Montant calculé selon ta situation — {institution_name}."
            if is_computed_benefit(data)
            else summary_for(
                amount=amount,
                unit=unit,
                periodicity=periodicity,
                institution=institution_name,
                ages=ages,
            )
        ),
        "body": "",
        "themes": _themes(data, label),
        "age_min": ages[0],
        "age_max": ages[1],
        "situations": situations,
        "eligibility": eligibility,
        "amount_value": amount,
        "amount_unit": unit if amount is not None else "",
        "periodicity": periodicity,
        "institution_name": institution_name[:200],
        "institution_type": str(institution.get("type") or "")[:30],
        "source_url": _url(data.get("link")),
        # The « J'y vais » link: the first way to apply the benefit gives.
        "apply_url": teleservice or form or instructions,
        "teleservice_url": teleservice,
        "form_url": form,
        "instructions_url": instructions,
        # The corpus lists no documents (only prose, never copied): staff add them for local aids.
        "documents": [],
        "apply_place": _apply_place(data, institution),
        "is_free": True,
        "status": OfferStatus.DRAFT if data.get("private") else OfferStatus.PUBLISHED,
        "_scope": scope,
        "_geo": {
            "region_codes": regions,
            "departement_codes": departements,
            "epci_codes": epcis,
            "commune_codes": communes,
        },
    }


def read_benefits(path: Path) -> Iterator[tuple[str, Any]]:
    """(record name, parsed YAML or the exception) for each file under `path`."""
    for file in iter_benefit_files(path):
        try:
            yield file.name, yaml.load(file.read_text(encoding="utf-8"), Loader=BenefitLoader)  # noqa: S506
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            yield file.name, RecordRejected(f"YAML illisible : {str(exc).splitlines()[0]}")


def import_aides_jeunes(
    *,
    path: Path,
    institutions_dir: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a benefit file or folder into the national catalogue and onboarded cities:
    benefits/javascript/ (rules) or benefits/openfisca/ (amounts computed per person).

    Runs from the public schema (the command, the national task)."""
    from shared_apps.national.models import NationalOffer
    from tenants.crosscity import run_in_each_city
    from tenants.models import City, CityStatus

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    institutions = load_institutions(institutions_dir or find_institutions_dir(path))
    records = list(read_benefits(path))
    needs_computed = any(isinstance(d, dict) and is_computed_benefit(d) for _, d in records)
    computed = computed_benefit_slugs() if needs_computed else frozenset()
    serving = City.objects.filter(status__in=[CityStatus.ACTIVE, "suspended"])
    cities = {code: c for c in serving for code in c.commune_codes}  # each territory's communes
    national = Upserter(NationalOffer, SOURCE)
    report = ImportReport()
    local: dict[str, list[tuple[str, str, dict]]] = {}
    for index, (name, data) in enumerate(records, start=1):
        try:
            if isinstance(data, Exception):
                raise data
            fields = parse_benefit(Path(name).stem, data, institutions, computed)
        except RecordRejected as exc:
            report.reject(name, str(exc))
            continue
        scope, geo = fields.pop("_scope"), fields.pop("_geo")
        onboarded = list(dict.fromkeys(cities[c] for c in geo["commune_codes"] if c in cities))
        if scope == "communal" and onboarded:
            for city in onboarded:
                local.setdefault(city.slug, []).append((name, Path(name).stem, fields))
        else:
            national(report, name, Path(name).stem, {**fields, "scope": scope, **geo})
        if progress:
            progress(index, len(records))

    def upsert_local(city: City) -> ImportReport:
        city_report, upsert = ImportReport(), Upserter(Offer, SOURCE)
        for name, external_id, fields in local[city.slug]:
            upsert(city_report, f"{name} → {city.slug}", external_id, fields)
        return city_report

    # Each city in its own transaction: one that fails is rolled back, its records rejected.
    crossing = run_in_each_city(
        upsert_local,
        label="aides-jeunes local offers",
        cities=[c for c in cities.values() if c.slug in local],
        statuses=None,
    )
    for city_report in crossing.values().values():
        report.merge(city_report)
    for outcome in crossing.failed:
        for name, _, _ in local[outcome.city]:
            report.reject(f"{name} → {outcome.city}", "échec de l'import dans cette ville")
    return report


def import_aides_jeunes_upload(
    *,
    data: bytes,
    filename: str = "aide.yml",
    publish: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Staff upload of one benefit YAML: it becomes a local offer of the current city."""
    report = ImportReport()
    try:
        parsed = yaml.load(data.decode("utf-8-sig"), Loader=BenefitLoader)  # noqa: S506
        fields = parse_benefit(Path(filename).stem, parsed, {})
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        report.reject(filename, f"YAML illisible : {str(exc).splitlines()[0]}")
        return report
    except RecordRejected as exc:
        report.reject(filename, str(exc))
        return report
    fields.pop("_scope"), fields.pop("_geo")
    fields["status"] = OfferStatus.PUBLISHED if publish else OfferStatus.DRAFT
    Upserter(Offer, SOURCE)(report, filename, Path(filename).stem, fields)
    if progress:
        progress(1, 1)
    return report
