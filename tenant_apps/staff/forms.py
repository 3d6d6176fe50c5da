"""Back-office forms (French labels come from the models)."""

from __future__ import annotations

from django import forms

from tenant_apps.catalogue.importers.registry import IMPORTERS
from tenant_apps.catalogue.models import Offer, OfferKind, OfferStatus, Situation, Structure
from tenant_apps.catalogue.themes import theme_labels

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LinesField(forms.CharField):
    """A list of short texts typed one per line (the documents to prepare for an aid)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class OfferForm(forms.ModelForm):
    documents = LinesField(
        label="Papiers à préparer (aides)",
        required=False,
        help_text="Un papier par ligne, en quelques mots : « Pièce d'identité », « RIB ».",
    )
    themes = forms.MultipleChoiceField(
        label="Thématiques", required=False, widget=forms.CheckboxSelectMultiple
    )
    situations = forms.MultipleChoiceField(
        label="Situations concernées",
        required=False,
        choices=Situation.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Offer
        fields = [
            "kind", "title", "summary", "body", "structure", "themes", "age_min", "age_max",
            "situations", "qpv_only", "qpv_priority", "address", "postal_code", "commune_insee",
            "latitude", "longitude", "is_remote", "starts_at", "ends_at", "apply_by",
            "publish_from", "publish_until", "capacity", "is_free", "price_eur",
            "amount_value", "amount_unit", "periodicity", "contact_name", "contact_email",
            "contact_phone", "apply_url", "institution_name", "teleservice_url", "form_url",
            "instructions_url", "documents", "apply_place", "image_url", "video_url",
            "panorama_url",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "publish_from": DATETIME,
            "publish_until": DATETIME,
            "apply_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "summary": "Une ou deux phrases, en tutoyant : c'est ce que les jeunes lisent d'abord.",
            "latitude": "Facultatif : permet la recherche « près de moi ».",
            "institution_name": "Pour une aide : qui la verse (« Ville de Grigny »).",
            "teleservice_url": "Pour une aide : la page où faire la demande en ligne.",
            "form_url": "Pour une aide : le formulaire à télécharger (PDF…).",
            "instructions_url": "Pour une aide : la page qui explique comment faire.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = sorted(theme_labels().items(), key=lambda kv: kv[1])
        self.fields["structure"].queryset = Structure.objects.order_by("name")


class StructureForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = [
            "name", "typology", "siret", "description", "address", "postal_code", "commune",
            "commune_insee", "latitude", "longitude", "opening_hours", "phone", "email",
            "website", "places_available",
        ]  # fmt: skip


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
