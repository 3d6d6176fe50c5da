"""The services a structure offers and their room (« Services et places » on a structure's
back-office page)."""

from __future__ import annotations

from django import forms

from tenant_apps.catalogue.themes import theme_labels


def service_choices() -> list[tuple[str, str]]:
    """data·inclusion sous-thématiques (« Préparer un permis »…), by label."""
    labels = theme_labels()
    return sorted(((k, v) for k, v in labels.items() if "--" in k), key=lambda kv: kv[1])


class StructureServiceForm(forms.Form):
    theme = forms.ChoiceField(label="Service", choices=())
    places_available = forms.IntegerField(
        label="Places disponibles", min_value=0, max_value=100_000, required=False,
        help_text="Vide si tu ne sais pas ; 0 si c'est complet.",
    )  # fmt: skip
    next_availability = forms.DateField(
        label="Prochaine disponibilité",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(label="Précisions", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = service_choices()
