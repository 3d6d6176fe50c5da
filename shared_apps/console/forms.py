"""Console forms: parse input only; the rules live in tenants/ services and validation."""

from __future__ import annotations

from django import forms

from .billing import plan_choices


class CommuneSearchForm(forms.Form):
    q = forms.CharField(
        label="Nom de la commune, code INSEE ou code postal",
        max_length=80,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class CityCreateForm(forms.Form):
    # The territory: one commune (insee, plus any other_communes), or a whole EPCI (epci).
    insee = forms.CharField(widget=forms.HiddenInput, max_length=5, required=False)
    epci = forms.CharField(widget=forms.HiddenInput, max_length=9, required=False)
    name = forms.CharField(label="Nom affiché", max_length=120)
    slug = forms.CharField(
        label="Identifiant (adresse de la ville)",
        max_length=40,
        help_text="Minuscules sans accents, chiffres et tirets ; la ville sera servie sur "
        "<identifiant>.<domaine de la plateforme>.",
    )
    admin_email = forms.EmailField(
        label="E-mail du premier administrateur",
        error_messages={"invalid": "Indique une adresse e-mail valide."},
    )
    primary_color = forms.CharField(
        label="Couleur principale",
        required=False,
        max_length=7,
        initial="#1D4ED8",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    plan = forms.CharField(label="Offre", required=False, max_length=60)
    other_communes = forms.CharField(
        label="Autres communes du territoire (facultatif)",
        required=False,
        max_length=2000,
        help_text="Codes INSEE séparés par des virgules : la ville couvrira ces communes en plus "
        "de la première, qui reste celle par défaut.",
    )
    move_communes = forms.BooleanField(
        label="Rattacher à cette ville les communes qu'une autre ville couvre déjà",
        required=False,
        help_text="Elles lui sont retirées ; le déplacement est inscrit au journal.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if choices := plan_choices():
            self.fields["plan"] = forms.ChoiceField(
                label="Offre", choices=[("", "— à définir —"), *choices], required=False
            )

    def territory(self) -> dict:
        """city_onboard's territory arguments from the cleaned form."""
        data = self.cleaned_data
        if data.get("epci"):
            return {"epci": data["epci"]}
        others = [c for c in (data.get("other_communes") or "").replace(",", " ").split() if c]
        if others:
            return {"communes": [data.get("insee") or "", *others]}
        return {"insee": data.get("insee") or ""}


class SuspendForm(forms.Form):
    reason = forms.CharField(label="Motif de la suspension", max_length=500)


class DomainForm(forms.Form):
    domain = forms.CharField(label="Nom de domaine", max_length=253)
    primary = forms.BooleanField(
        label="En faire le domaine principal (domaine déjà vérifié)", required=False
    )


class DropForm(forms.Form):
    confirm_slug = forms.CharField(label="Identifiant de la ville, pour confirmer", max_length=40)


class CheckoutForm(forms.Form):
    plan = forms.ChoiceField(
        label="Formule",
        choices=plan_choices,
        error_messages={
            "required": "Choisis une formule.",
            "invalid_choice": "Choisis une formule dans la liste.",
        },
    )


class PlanForm(forms.Form):
    plan = forms.ChoiceField(
        label="Formule",
        choices=plan_choices,
        error_messages={
            "required": "Choisis une formule.",
            "invalid_choice": "Choisis une formule dans la liste.",
        },
    )
