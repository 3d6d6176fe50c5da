"""Invariants of an offer, with French messages (used by AbstractOffer.clean and importers)."""

from __future__ import annotations

from .themes import is_theme

VALID_SITUATIONS = {
    "collegien", "lyceen", "etudiant", "apprenti", "alternant", "stagiaire", "salarie",
    "independant", "demandeur_emploi", "service_civique", "sans_activite",
}  # fmt: skip


def eligibility_errors(value) -> list[str]:
    """The aides-jeunes shape: {"conditions_generales": [...], "profils": [{"type", ...}]}."""
    if not isinstance(value, dict):
        return ["Les règles d'éligibilité doivent être un objet."]
    errors = []
    unknown = set(value) - {"conditions_generales", "profils"}
    if unknown:
        errors.append(f"Clés inconnues dans les règles : {', '.join(sorted(unknown))}.")
    general = value.get("conditions_generales", [])
    if not isinstance(general, list) or not all(
        isinstance(c, dict) and "type" in c for c in general
    ):
        errors.append("« conditions_generales » doit être une liste de conditions avec un type.")
    profiles = value.get("profils", [])
    if not isinstance(profiles, list) or not all(
        isinstance(p, dict) and "type" in p and isinstance(p.get("conditions", []), list)
        for p in profiles
    ):
        errors.append("« profils » doit être une liste de profils avec un type.")
    return errors


MAX_DOCUMENTS = 20
MAX_DOCUMENT_LENGTH = 200


def documents_errors(value) -> list[str]:
    """The documents to prepare: a short list of short texts."""
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        return ["Les pièces à préparer doivent être une liste de textes."]
    errors = []
    if len(value) > MAX_DOCUMENTS:
        errors.append(f"Indique au plus {MAX_DOCUMENTS} pièces à préparer.")
    if any(len(d) > MAX_DOCUMENT_LENGTH for d in value):
        errors.append(f"Chaque pièce tient en {MAX_DOCUMENT_LENGTH} caractères au plus.")
    if any(not d.strip() for d in value):
        errors.append("Une pièce à préparer ne peut pas être vide.")
    return errors


def offer_errors(offer) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not isinstance(offer.themes, list) or not all(isinstance(t, str) for t in offer.themes):
        add("themes", "Les thématiques doivent être une liste.")
    else:
        unknown = [t for t in offer.themes if not is_theme(t)]
        if unknown:
            add("themes", f"Thématique inconnue : {', '.join(unknown)}.")
    if not isinstance(offer.situations, list) or any(
        s not in VALID_SITUATIONS for s in offer.situations
    ):
        add("situations", "Situation inconnue.")
    if offer.age_min is not None and offer.age_max is not None and offer.age_min > offer.age_max:
        add("age_max", "L'âge maximum doit être supérieur ou égal à l'âge minimum.")
    for message in eligibility_errors(offer.eligibility):
        add("eligibility", message)
    if offer.starts_at and offer.ends_at and offer.ends_at < offer.starts_at:
        add("ends_at", "La fin doit être après le début.")
    if offer.publish_from and offer.publish_until and offer.publish_until <= offer.publish_from:
        add("publish_until", "La fin de visibilité doit être après son début.")
    if offer.latitude is not None and not -90 <= offer.latitude <= 90:
        add("latitude", "La latitude doit être comprise entre -90 et 90.")
    if offer.longitude is not None and not -180 <= offer.longitude <= 180:
        add("longitude", "La longitude doit être comprise entre -180 et 180.")
    if (offer.latitude is None) != (offer.longitude is None):
        add("longitude", "Indique la latitude et la longitude, ou aucune des deux.")
    if offer.price_eur is not None and offer.price_eur < 0:
        add("price_eur", "Le prix ne peut pas être négatif.")
    if offer.is_free and offer.price_eur:
        add("price_eur", "Une offre gratuite n'a pas de prix.")
    for message in documents_errors(offer.documents):
        add("documents", message)
    if offer.kind == "evenement" and not offer.starts_at:
        add("starts_at", "Un événement a besoin d'une date de début.")
    return errors
