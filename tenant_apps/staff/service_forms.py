"""The services a structure offers and their room (« Services et places » on a structure's
back-office page)."""

from __future__ import annotations

from django import forms
from kernel.text import fold

from tenant_apps.catalogue.themes import CATEGORY_LABELS, theme_labels


def service_choices() -> list[tuple[str, str]]:
    """data·inclusion sous-thématiques (« Préparer un permis »…), by label."""
    labels = theme_labels()
    return sorted(((k, v) for k, v in labels.items() if "--" in k), key=lambda kv: fold(kv[1]))


def service_choices_grouped() -> list[tuple[str, list[tuple[str, str]]]]:
    """The same, grouped by their data·inclusion category (an <optgroup> each), by label."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, label in service_choices():
        category = code.split("--", 1)[0]
        groups.setdefault(CATEGORY_LABELS.get(category, category), []).append((code, label))
    return sorted(groups.items(), key=lambda group: fold(group[0]))


class StructureServiceForm(forms.Form):
    theme = forms.ChoiceField(label="Service", choices=())
    places_available = forms.IntegerField(
        label="Places disponibles",
        min_value=0,
        max_value=100_000,
        required=False,
        help_text="Vide si tu ne sais pas ; 0 si c'est complet.",
    )
    next_availability = forms.DateField(
        label="Prochaine disponibilité",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(label="Précisions", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = service_choices_grouped()


class BookletForm(forms.Form):
    access_info = forms.CharField(
        label="Comment venir (transports, accès, étage…)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    video_url = forms.URLField(
        label="Vidéo courte (lien)", required=False, max_length=500, assume_scheme="https"
    )
    video_text = forms.CharField(
        label="Ce que montre et dit la vidéo (pour qui ne peut pas la voir)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    panorama = forms.FileField(
        label="Panorama 360° (photo équirectangulaire JPEG, PNG ou WebP, 12 Mo au plus)",
        required=False,
    )
    remove_panorama = forms.BooleanField(label="Retirer le panorama", required=False)


class PhotoForm(forms.Form):
    image = forms.FileField(label="Photo (JPEG, PNG ou WebP, 4 Mo au plus)")
    alt = forms.CharField(label="Ce que montre la photo", max_length=160)
