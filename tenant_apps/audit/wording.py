"""The journal in French: each action code of the staff audit log as the end of a sentence
("Awa a publié l'offre « Forum jobs d'été »"), and the changed fields by their French names.

The codes are the ones the apps' services write (audit_record(action=...)); a code that is not
here still reads as a sentence, with the code quoted.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from .models import StaffAuditEntry

ACTIONS = {
    "offer.create": "a créé l'offre",
    "offer.update": "a modifié l'offre",
    "offer.submit": "a envoyé en relecture l'offre",
    "offer.publish": "a publié l'offre",
    "offer.archive": "a archivé l'offre",
    "offer.reject": "a renvoyé en brouillon l'offre",
    "member.invite": "a invité dans l'équipe",
    "member.invitation": "a renvoyé l'invitation de",
    "member.role": "a changé le rôle de",
    "member.structures": "a changé les structures de",
    "member.deactivate": "a désactivé le compte de",
    "structure.create": "a ajouté la structure",
    "structure.update": "a modifié la structure",
    "structure.service": "a mis à jour un service (et ses places) de la structure",
    "structure.service_removed": "a retiré un service de la structure",
    "structure.photo_added": "a ajouté une photo au livret d'accueil de la structure",
    "national.setting": "a changé les réglages locaux de l'offre nationale",
    "import.start": "a lancé l'import",
    "registration.attend": "a noté une présence à",
    "registration.unattend": "a retiré une présence à",
    "inspiration.create": "a écrit l'inspiration",
    "inspiration.update": "a modifié l'inspiration",
    "inspiration.publish": "a publié l'inspiration",
    "inspiration.unpublish": "a dépublié l'inspiration",
    "inspiration.delete": "a supprimé l'inspiration",
    "inspiration.consent": "a enregistré l'accord du jeune pour partager l'inspiration",
    "inspiration.consent_withdrawn": "a enregistré le retrait d'accord du jeune pour l'inspiration",
    "inspiration.share": "a partagé avec le réseau des villes l'inspiration",
    "inspiration.withdraw": "a retiré du réseau des villes l'inspiration",
    "advisor.create": "a ajouté la fiche d'accompagnement de",
    "advisor.update": "a modifié la fiche d'accompagnement de",
    "advisor.activate": "a activé la fiche d'accompagnement de",
    "advisor.deactivate": "a désactivé la fiche d'accompagnement de",
    "slot.create": "a ouvert le créneau",
    "slot.delete": "a supprimé le créneau",
    "booking.cancel": "a annulé le rendez-vous",
    "feature.enabled": "a activé la fonctionnalité",
    "feature.disabled": "a désactivé la fonctionnalité",
    "branding.update": "a modifié l'identité de la ville",
    "page.update": "a modifié la page",
    "poll.save": "a enregistré le sondage",
    "poll.open": "a ouvert aux jeunes le sondage",
    "poll.closed": "a clos le sondage",
    "poll.draft": "a remis en brouillon le sondage",
    "idea.published": "a publié l'idée",
    "idea.answered": "a répondu à l'idée",
    "idea.rejected": "n'a pas retenu l'idée",
    "meetup.create": "a organisé « Adopte un pro » pour",
    "meetup.update": "a changé les réglages d'« Adopte un pro » de",
    "meetup.pro_add": "a donné une table à",
    "meetup.pro_update": "a modifié la fiche de",
    "meetup.pro_remove": "a retiré la table de",
    "meetup.schedule_build": "a établi le planning d'« Adopte un pro » de",
    "meetup.schedule_send": "a envoyé le planning d'« Adopte un pro » de",
}


def action_sentence(entry: StaffAuditEntry) -> str:
    """What happened, after the author's name: "a publié l'offre « Tournoi de futsal »"."""
    verb = ACTIONS.get(entry.action, f"a fait « {entry.action} » sur")
    label = entry.object_label.strip()
    return f"{verb} « {label} »" if label else verb.removesuffix(" sur").removesuffix(" de")


def _model(object_type: str):
    for model in apps.get_models():
        if model._meta.model_name == object_type:
            return model
    return None


# French names of fields whose model gives none (Django would say "is active", "created at").
FIELD_LABELS = {
    "is_active": "actif ou non",
    "is_staff": "accès à l'administration technique",
    "is_primary": "adresse principale",
    "is_national": "offre nationale",
    "date_joined": "date d'inscription",
    "created_at": "date de création",
    "consent_by": "accord recueilli par",
    "rating": "note donnée",
    "feedback_word": "mot laissé",
    "feedback_at": "date de l'avis",
    "updated_at": "date de modification",
    "published_at": "date de publication",
    "starts_at": "début",
    "ends_at": "fin",
    "canceled_at": "annulation",
    "attended_at": "présence",
    "reminded_at": "rappel envoyé",
    "status": "statut",
    "position": "rang",
    "structure": "structure",
    "offer": "offre",
    "user": "compte",
    "advisor": "conseiller ou mentor",
    "slot": "créneau",
    "title": "titre",
    "body": "texte",
    "link": "lien",
    "photo": "photo",
    "logo": "logo",
    "formats": "formats proposés",
    "format": "format",
    "latitude": "latitude",
    "longitude": "longitude",
    "commune": "commune",
    "source": "origine",
    "slug": "adresse de la page",
    "situations": "situations",
    "seat": "place",
    "updated_by": "modifié par",
}


def field_label(model, attname: str) -> str:
    """A field's French name: its verbose_name, else FIELD_LABELS, else the code."""
    try:
        field = model._meta.get_field(attname)
    except FieldDoesNotExist:
        return FIELD_LABELS.get(attname, attname)
    label = str(field.verbose_name)
    if label == field.name.replace("_", " "):  # no verbose_name given: Django's English
        return FIELD_LABELS.get(attname, label)
    return label


# Actions whose diff is about another model than the object they name (a structure's service
# is journaled on the structure, its diff holds the service's fields).
DIFF_MODELS = {
    "structure.service": "structureservice",
    "structure.service_removed": "structureservice",
}


def changed_fields(entry: StaffAuditEntry) -> list[str]:
    """The fields the entry changed, by their French names (the code when there is none);
    none for a creation (its row holds every field: the object is new, not changed)."""
    if entry.action.endswith(".create"):
        return []
    object_type = DIFF_MODELS.get(entry.action, entry.object_type)
    model = _model(object_type) if object_type else None
    if model is None:
        return [FIELD_LABELS.get(attname, attname) for attname in entry.diff or {}]
    return [field_label(model, attname) for attname in entry.diff or {}]
