"""Forms of the young people's pages: sign-up and the questionnaire steps."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import connection
from django.utils.translation import gettext_lazy as _

from tenant_apps.catalogue.themes import theme_choices

from .choices import DiplomaLevel, Frein, LookingFor, Situation
from .selectors import neighbourhood_list

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
YES_NO = [("", _("Je préfère ne pas répondre")), ("oui", _("Oui")), ("non", _("Non"))]


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Ton adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Indique une adresse e-mail valide, comme prenom@exemple.fr.")
        },
    )
    password = forms.CharField(
        label=_("Choisis un mot de passe (10 caractères au moins)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    birth_date = forms.DateField(
        label=_("Ta date de naissance"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Écris ta date de naissance comme ceci : 31/12/2008.")},
    )
    display_name = forms.CharField(
        label=_("Un pseudo (facultatif, pas besoin de ton vrai nom)"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    accept_terms = forms.BooleanField(
        label=_("J'accepte les conditions d'utilisation"),
        required=False,  # the service says why, in its own words
    )
    newsletter = forms.BooleanField(
        label=_("Je veux recevoir les nouveautés par e-mail (tu pourras changer d'avis)"),
        required=False,
    )


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("oui" if value else "non")


def _bool(value: str) -> bool | None:
    return {"oui": True, "non": False}.get(value)


class SituationStep(forms.Form):
    birth_date = forms.DateField(
        label=_("Ta date de naissance"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    situation = forms.ChoiceField(
        label=_("Aujourd'hui, tu es…"),
        required=False,
        choices=Situation.choices,
        widget=forms.RadioSelect,
    )
    diploma_level = forms.ChoiceField(
        label=_("Ton diplôme le plus élevé"),
        required=False,
        choices=[("", _("Je ne sais pas")), *DiplomaLevel.choices],
    )


OTHER_COMMUNE = "autre"


class PlaceStep(forms.Form):
    """Where they live. In a territory (several communes) they first say which commune, or
    « autre », and the quartiers are grouped by commune; a single-commune city asks the
    postal code and the quartier only, as it always did."""

    commune = forms.ChoiceField(label=_("Ta commune"), required=False)
    postal_code = forms.RegexField(
        label=_("Ton code postal"),
        required=False,
        regex=r"^\d{5}$",
        error_messages={"invalid": _("Un code postal comporte 5 chiffres.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    neighbourhood = forms.ChoiceField(
        label=_("Ton quartier"), required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import territory_communes

        communes = territory_communes() if getattr(connection.tenant, "is_territory", 0) else []
        self.communes = {c.insee: c for c in communes}
        neighbourhoods = list(neighbourhood_list())
        self.neighbourhoods = {n.code: n for n in neighbourhoods}

        # In a territory, the quartiers of the commune chosen (in this submission, else the
        # saved answer) only; before a commune is chosen, all of them, each naming its commune.
        chosen = (self.data.get("commune") if self.is_bound else self.initial.get("commune")) or ""
        chosen = chosen if chosen in self.communes or chosen == OTHER_COMMUNE else ""

        def label(n) -> str:
            commune = self.communes.get(n.commune_insee)
            named = commune is not None and not chosen and commune.name not in n.name
            where = f" ({commune.name})" if named else ""
            return f"{n.name}{where}" + (" — quartier prioritaire" if n.is_qpv else "")

        if not communes:
            del self.fields["commune"]
            self.fields["neighbourhood"].choices = [(n.code, label(n)) for n in neighbourhoods]
            return
        self.fields["commune"].choices = [
            ("", _("Je préfère ne pas répondre")),
            *((c.insee, c.name) for c in communes),
            (OTHER_COMMUNE, _("Une autre commune")),
        ]
        shown = [
            n
            for n in neighbourhoods
            if not chosen or n.commune_insee in (chosen, "") or n.commune_insee not in self.communes
        ]
        # Every quartier is a valid answer (clean() says which commune a wrong one is in); the
        # list shows those of the chosen commune.
        field = self.fields["neighbourhood"]
        field.choices = [(n.code, label(n)) for n in neighbourhoods]
        field.widget.choices = [(n.code, label(n)) for n in shown]
        if chosen and chosen != OTHER_COMMUNE:
            self.fields["neighbourhood"].label = _("Ton quartier à %(commune)s") % {
                "commune": self.communes[chosen].name
            }

    def clean(self):
        data = super().clean()
        insee = data.get("commune")
        commune = self.communes.get(insee) if insee else None
        if commune is None:
            return data
        postal_code = data.get("postal_code")
        if postal_code and postal_code not in commune.postal_codes:
            self.add_error(
                "postal_code",
                _("Le code postal %(code)s n'est pas celui de %(commune)s.")
                % {"code": postal_code, "commune": commune.name},
            )
        neighbourhood = self.neighbourhoods.get(data.get("neighbourhood") or "")
        if neighbourhood and neighbourhood.commune_insee not in ("", insee):
            other = self.communes.get(neighbourhood.commune_insee)
            self.add_error(
                "neighbourhood",
                _("Ce quartier est à %(other)s, pas à %(commune)s.")
                % {"other": other.name if other else neighbourhood.commune_insee,
                   "commune": commune.name},
            )  # fmt: skip
        return data


class InterestsStep(forms.Form):
    interests = forms.MultipleChoiceField(
        label=_("Ce qui t'intéresse"),
        required=False,
        choices=theme_choices,
        widget=forms.CheckboxSelectMultiple,
    )


class FreinsStep(forms.Form):
    freins = forms.MultipleChoiceField(
        label=_("Ce qui est compliqué pour toi en ce moment"),
        required=False,
        choices=Frein.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class LookingForStep(forms.Form):
    looking_for = forms.MultipleChoiceField(
        label=_("Ce que tu cherches maintenant"),
        required=False,
        choices=LookingFor.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    has_driving_licence = forms.ChoiceField(
        label=_("As-tu le permis de conduire ?"),
        required=False,
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    boursier = forms.ChoiceField(
        label=_("Es-tu boursier·e ?"), required=False, choices=YES_NO, widget=forms.RadioSelect
    )


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[forms.Form]
    booleans: tuple[str, ...] = ()


STEPS = (
    Step("situation", _("Ta situation"), SituationStep),
    Step("quartier", _("Où tu habites"), PlaceStep),
    Step("interets", _("Ce qui t'intéresse"), InterestsStep),
    Step("freins", _("Ce qui te freine"), FreinsStep),
    Step("recherche", _("Ce que tu cherches"), LookingForStep, ("has_driving_licence", "boursier")),
)


def step_initial(step: Step, answers: dict) -> dict:
    """Form initial values from profile_as_dict() answers."""
    initial = {name: answers.get(name) for name in step.form.base_fields}
    for name in step.booleans:
        initial[name] = _yes_no(answers.get(name))
    if "commune" in step.form.base_fields:
        insee = answers.get("commune_insee") or ""
        codes = getattr(connection.tenant, "commune_codes", None) or []
        initial["commune"] = insee if insee in codes else (OTHER_COMMUNE if insee else "")
    return initial


def step_data(step: Step, cleaned: dict) -> dict:
    """Service input (profile_update data) from a step's cleaned form."""
    data = dict(cleaned)
    for name in step.booleans:
        data[name] = _bool(cleaned.get(name, ""))
    commune = data.pop("commune", None)
    if commune and commune != OTHER_COMMUNE:
        data["commune_insee"] = commune  # one of the territory's (the form checked it)
    return data
