"""Back-office forms (French labels come from the models)."""

from __future__ import annotations

from django import forms
from django.db import connection

from shared_apps.accounts.models import Role
from shared_apps.geo.communes import commune_get, commune_search
from tenant_apps.catalogue.importers.registry import IMPORTERS
from tenant_apps.catalogue.models import Offer, OfferKind, OfferStatus, Situation, Structure
from tenant_apps.catalogue.permissions import (
    PARTNER_STRUCTURE_FIELDS,
    is_partner,
    partner_structure_ids,
    structures_visible_to,
)
from tenant_apps.catalogue.themes import CATEGORY_LABELS, YOUTH_TOPICS, theme_labels
from tenant_apps.youth.models import Neighbourhood

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LinesField(forms.CharField):
    """A list of short texts typed one per line (the documents to prepare for an aid)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


# The offer form by kind. Fields every kind has, then the ones that make sense for one kind only:
# an event has dates and places, a job a contract and an employer, an aid an amount and how to
# apply. The page shows the chosen kind's fields only (server side); without a kind chosen yet,
# every section is there, tagged with its kinds (a CSS rule hides the others, no JavaScript).
COMMON_FIELDS = (
    "kind", "title", "summary", "body", "themes", "structure", "institution_name",
    "age_min", "age_max", "situations", "qpv_only", "qpv_priority",
    "address", "postal_code", "commune_insee", "latitude", "longitude", "is_remote",
    "apply_url", "contact_name", "contact_email", "contact_phone",
    "publish_from", "publish_until", "image_url", "video_url", "panorama_url",
)  # fmt: skip
KIND_FIELDS = {
    OfferKind.EVENEMENT: ("starts_at", "ends_at", "apply_by", "capacity", "is_free", "price_eur"),
    OfferKind.FORMATION: ("starts_at", "ends_at", "apply_by", "capacity", "is_free", "price_eur"),
    OfferKind.EMPLOI: ("contract_type", "starts_at", "apply_by"),
    OfferKind.AIDE: (
        "amount_value", "amount_unit", "amount_legend", "periodicity", "apply_by",
        "teleservice_url", "form_url", "instructions_url", "documents", "apply_place",
    ),
    OfferKind.BON_PLAN: ("is_free", "price_eur"),
    OfferKind.SERVICE: ("is_free", "price_eur"),
}  # fmt: skip
KIND_SPECIFIC = tuple(dict.fromkeys(name for names in KIND_FIELDS.values() for name in names))

# Who offers it: one field, named after what it is for the kind.
INSTITUTION_LABELS = {
    OfferKind.EMPLOI: ("Employeur", "L'entreprise ou l'organisme qui recrute."),
    OfferKind.AIDE: ("Qui verse l'aide", "« Ville de Grigny », « CAF de l'Essonne »…"),
    OfferKind.FORMATION: ("Organisme de formation", ""),
}
DATE_LABELS = {
    OfferKind.EMPLOI: {"starts_at": "Début du contrat"},
    OfferKind.FORMATION: {"starts_at": "Début de la formation", "ends_at": "Fin de la formation"},
}

# Sections of the page: (title, fields, kinds it is for; empty for every kind).
OFFER_SECTIONS = (
    ("L'essentiel", ("title", "summary", "body"), ()),
    ("Qui le propose", ("structure", "institution_name"), ()),
    ("Quand", ("starts_at", "ends_at", "apply_by"),
     (OfferKind.EVENEMENT, OfferKind.FORMATION, OfferKind.EMPLOI, OfferKind.AIDE)),
    ("Places et prix", ("capacity", "is_free", "price_eur"),
     (OfferKind.EVENEMENT, OfferKind.FORMATION, OfferKind.BON_PLAN, OfferKind.SERVICE)),
    ("Le contrat", ("contract_type",), (OfferKind.EMPLOI,)),
    ("Le montant", ("amount_value", "amount_unit", "amount_legend", "periodicity"),
     (OfferKind.AIDE,)),
    ("Comment faire la demande",
     ("teleservice_url", "form_url", "instructions_url", "documents", "apply_place"),
     (OfferKind.AIDE,)),
    ("Pour qui", ("age_min", "age_max", "situations", "qpv_only", "qpv_priority"), ()),
    ("Où", ("place", "address", "postal_code", "commune_insee", "neighbourhood", "is_remote",
            "latitude", "longitude"), ()),
    ("Contact et lien", ("apply_url", "contact_name", "contact_email", "contact_phone"), ()),
    ("Visibilité", ("publish_from", "publish_until"), ()),
    ("Images et vidéo", ("image_url", "video_url", "panorama_url"), ()),
)  # fmt: skip


def fields_for_kind(kind: str | None) -> tuple[str, ...]:
    """The offer fields the form shows and saves for `kind` (every field when unknown)."""
    if kind not in KIND_FIELDS:
        return COMMON_FIELDS + KIND_SPECIFIC
    return COMMON_FIELDS + KIND_FIELDS[kind]


def grouped_themes() -> list[tuple[str, list[tuple[str, str]]]]:
    """Themes by data·inclusion category (the category itself first), then youth topics."""
    labels = theme_labels()
    groups = []
    for category, label in CATEGORY_LABELS.items():
        subs = sorted(
            ((code, name) for code, name in labels.items() if code.startswith(f"{category}--")),
            key=lambda item: item[1],
        )
        groups.append((label, [(category, f"{label} (en général)"), *subs]))
    groups.append(("Loisirs et engagement", list(YOUTH_TOPICS.items())))
    return groups


def commune_for(*, postal_code: str, insee: str):
    """The commune of a typed address, from the communes reference (shared_apps.geo): the INSEE
    code when given (it must match the postal code), else the one commune of the postal code.
    Returns (commune or None, error message or "")."""
    if insee:
        commune = commune_get(insee)
        if commune is None:
            return None, "Code INSEE inconnu."
        if postal_code and postal_code not in commune.postal_codes:
            return None, f"Le code postal {postal_code} n'est pas celui de {commune.name}."
        return commune, ""
    if not postal_code:
        return None, ""
    communes = [c for c in commune_search(postal_code, limit=50) if postal_code in c.postal_codes]
    if not communes:
        return None, "Code postal inconnu."
    if len(communes) > 1:
        names = ", ".join(f"{c.name} ({c.insee})" for c in communes[:8])
        return None, f"Plusieurs communes ont ce code postal : indique le code INSEE ({names})."
    return communes[0], ""


def territory_error(commune) -> str:
    """Why a commune outside the current city's territory is refused ("" when it is in)."""
    city = connection.tenant
    codes = getattr(city, "commune_codes", None) or []
    if commune is None or not codes or commune.insee in codes:
        return ""
    if len(codes) == 1:
        return f"{commune.name} n'est pas sur le territoire de {city.name}."
    return f"{commune.name} n'est pas l'une des communes du territoire de {city.name}."


class OfferForm(forms.ModelForm):
    """The staff offer form. `kind`: the kind whose fields to show (else the offer's, the
    posted one, or every field); `user`: who fills it (a partner picks among its structures)."""

    documents = LinesField(
        label="Papiers à préparer",
        required=False,
        help_text="Un papier par ligne, en quelques mots : « Pièce d'identité », « RIB ».",
    )
    themes = forms.MultipleChoiceField(label="Thématiques", required=False)
    situations = forms.MultipleChoiceField(
        label="Situations concernées",
        required=False,
        choices=Situation.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.ModelChoiceField(
        label="Au même endroit qu'une structure de la ville",
        queryset=Structure.objects.none(),
        required=False,
        empty_label="— non, je tape l'adresse —",
        help_text="L'adresse et la position de la structure sont reprises telles quelles.",
    )
    neighbourhood = forms.ModelChoiceField(
        label="Quartier",
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label="—",
        help_text="Situe l'offre pour la recherche « près de chez moi » (centre du quartier).",
    )

    class Meta:
        model = Offer
        fields = list(COMMON_FIELDS + KIND_SPECIFIC)
        widgets = {
            "kind": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 6}),
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "publish_from": DATETIME,
            "publish_until": DATETIME,
            "apply_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "summary": "Une ou deux phrases, en tutoyant : c'est ce que les jeunes lisent d'abord.",
            "institution_name": "Qui propose l'offre, s'il ne s'agit pas de la structure.",
            "latitude": "Facultatif : sinon le centre du quartier choisi.",
            "postal_code": "La commune est retrouvée à partir du code postal.",
            "commune_insee": "Seulement si plusieurs communes ont ce code postal.",
            "teleservice_url": "La page où faire la demande en ligne.",
            "form_url": "Le formulaire à télécharger (PDF…).",
            "instructions_url": "La page qui explique comment faire.",
            "apply_by": "Date limite pour candidater ou s'inscrire.",
        }

    def __init__(self, *args, kind: str | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        posted = self.data.get("kind") if self.is_bound else None
        self.kind = kind or posted or (self.instance.kind if self.instance.pk else None)
        if self.kind not in KIND_FIELDS:
            self.kind = None
        self.kind_changed = bool(self.instance.pk and self.kind and self.kind != self.instance.kind)
        self.fields["kind"].initial = self.kind
        self.fields["themes"].choices = grouped_themes()
        structures = Structure.objects.order_by("name")
        self.fields["place"].queryset = structures
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.exclude(latitude=None)
        own = structures_visible_to(user, structures) if user is not None else structures
        self.fields["structure"].queryset = own
        if user is not None and is_partner(user):
            self.fields["structure"].required = bool(partner_structure_ids(user))
            self.fields["structure"].empty_label = None if own.count() == 1 else "—"
        for name in set(self.fields) - set(fields_for_kind(self.kind)) - {"place", "neighbourhood"}:
            del self.fields[name]
        if "institution_name" in self.fields and self.kind in INSTITUTION_LABELS:
            label, help_text = INSTITUTION_LABELS[self.kind]
            self.fields["institution_name"].label = label
            self.fields["institution_name"].help_text = help_text
        for name, label in DATE_LABELS.get(self.kind, {}).items():
            if name in self.fields:
                self.fields[name].label = label

    def clean(self):
        data = super().clean()
        place = data.get("place")
        if place is not None:
            for name in ("address", "postal_code", "commune_insee", "latitude", "longitude"):
                data[name] = getattr(place, name)
            return data
        commune, error = commune_for(
            postal_code=(data.get("postal_code") or "").strip(),
            insee=(data.get("commune_insee") or "").strip(),
        )
        error = error or territory_error(commune)
        if error:
            self.add_error("commune_insee" if data.get("commune_insee") else "postal_code", error)
        elif commune is not None:
            data["commune_insee"] = commune.insee
        neighbourhood = data.get("neighbourhood")
        if neighbourhood is not None and data.get("latitude") is None:
            data["latitude"], data["longitude"] = neighbourhood.latitude, neighbourhood.longitude
        return data

    def sections(self) -> list[dict]:
        """The page's sections with their bound fields (only the fields this form has)."""
        result = []
        for title, names, kinds in OFFER_SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                result.append({"title": title, "fields": fields, "kinds": " ".join(kinds)})
        return result

    def theme_groups(self) -> list[dict]:
        chosen = set(self["themes"].value() or [])
        return [
            {
                "label": label,
                "items": [(code, name, code in chosen) for code, name in items],
                "count": sum(1 for code, _name in items if code in chosen),
            }
            for label, items in grouped_themes()
        ]

    def service_fields(self) -> dict:
        """What to hand the catalogue's services: this kind's fields; after a change of kind,
        the old kind's own fields go back to empty."""
        names = [name for name in fields_for_kind(self.kind) if name in self.fields]
        values = {name: self.cleaned_data[name] for name in names}
        if self.kind_changed:
            for name in set(KIND_SPECIFIC) - set(names):
                values[name] = Offer._meta.get_field(name).get_default()
        return values


class StructureForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = [
            "name", "typology", "siret", "description", "address", "postal_code", "commune",
            "commune_insee", "latitude", "longitude", "opening_hours", "phone", "email",
            "website", "places_available",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        # A structure of the city stands in one of its communes (when the address says which).
        commune, _error = commune_for(
            postal_code=(data.get("postal_code") or "").strip(),
            insee=(data.get("commune_insee") or "").strip(),
        )
        if error := territory_error(commune):
            self.add_error("commune_insee" if data.get("commune_insee") else "postal_code", error)
        return data


class PartnerStructureForm(forms.ModelForm):
    """What a partner keeps current on its own structure's page."""

    class Meta:
        model = Structure
        fields = list(PARTNER_STRUCTURE_FIELDS)
        widgets = {"opening_hours": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "places_available": "Combien de jeunes tu peux accueillir en ce moment.",
            "opening_hours": "Par exemple : « Lundi-vendredi 9h-12h et 14h-17h ».",
        }


class OfferFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False)
    status = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous"), *OfferStatus.choices]
    )
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous"), *OfferKind.choices]
    )


class ImportForm(forms.Form):
    importer = forms.ChoiceField(
        label="Format du fichier", choices=[(k, v[0]) for k, v in IMPORTERS.items()]
    )
    file = forms.FileField(label="Fichier")
    publish = forms.BooleanField(label="Publier directement les offres importées", required=False)


class NationalSettingForm(forms.Form):
    hidden = forms.BooleanField(label="Masquer dans ma ville", required=False)
    pinned = forms.BooleanField(label="Mettre à la une", required=False)
    local_note = forms.CharField(
        label="Note locale", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


TEAM_ROLE_CHOICES = [
    (Role.ADMIN, "Administrateur (tout, dont l'équipe)"),
    (Role.EDITOR, "Éditeur (publie les offres)"),
    (Role.VIEWER, "Élu ou direction (lecture, chiffres seulement)"),
    (Role.PARTNER, "Partenaire (les offres de sa structure)"),
    (Role.ADVISOR, "Conseiller ou mentor (son agenda)"),
]


class StructuresField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Structure.objects.order_by("name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Structures (pour un partenaire)",
            help_text="Un partenaire ne voit et ne modifie que les offres de ses structures.",
            **kwargs,
        )


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail")
    role = forms.ChoiceField(label="Rôle", choices=TEAM_ROLE_CHOICES, widget=forms.RadioSelect)
    structures = StructuresField()


class MemberUpdateForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=TEAM_ROLE_CHOICES, widget=forms.RadioSelect)
    structures = StructuresField()


class ReviewRejectForm(forms.Form):
    reason = forms.CharField(
        label="Ce qui manque (l'auteur le lira)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
