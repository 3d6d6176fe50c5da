from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SOCIAL_NETWORKS


class BrandingForm(forms.Form):
    display_name = forms.CharField(label=_("Nom affiché"), max_length=120)
    primary_color = forms.CharField(
        label=_("Couleur principale"), widget=forms.TextInput(attrs={"type": "color"})
    )
    secondary_color = forms.CharField(
        label=_("Couleur secondaire"), widget=forms.TextInput(attrs={"type": "color"})
    )
    welcome_text = forms.CharField(
        label=_("Texte d'accueil"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    logo = forms.FileField(
        label=_("Logo (PNG, JPEG ou WebP, 512 Ko au plus)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in SOCIAL_NETWORKS.items():
            self.fields[f"social_{key}"] = forms.CharField(
                label=label, required=False, max_length=300
            )

    def social_links(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"social_{key}", "") for key in SOCIAL_NETWORKS}


class PageForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=120)
    body = forms.CharField(
        label=_("Texte (les lignes vides séparent les paragraphes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
