"""Back-office forms for advisors, mentors and their slots (French labels, plain HTML widgets)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.catalogue.themes import theme_choices, theme_labels
from tenant_apps.matching.models import Advisor, MeetingFormat
from tenant_apps.matching.permissions import ADVISOR_ACCOUNT_ROLES
from tenant_apps.youth.choices import Frein


class AdvisorForm(forms.ModelForm):
    SERVICE_FIELDS = (
        "kind", "display_name", "organisation", "job_title", "bio", "video_url", "video_text",
        "topics", "freins", "languages", "formats", "location",
    )  # fmt: skip

    topics = forms.MultipleChoiceField(
        label="Sujets (thématiques)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Sert à suggérer cette personne aux jeunes qui s'y intéressent.",
    )
    freins = forms.MultipleChoiceField(
        label="Freins sur lesquels il ou elle peut aider",
        required=False,
        choices=Frein.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    formats = forms.MultipleChoiceField(
        label="Formats proposés",
        choices=MeetingFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Coche au moins un format : les créneaux en ont besoin."},
    )
    video_url = forms.URLField(
        label="Vidéo de présentation (lien)",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Facultatif. Une adresse qui commence par https://",
        error_messages={"invalid": "Saisis une adresse web complète (https://…)."},
    )
    video_text = forms.CharField(
        label="Ce que dit la vidéo (obligatoire avec une vidéo)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pour qui ne peut pas la regarder ou l'écouter : l'essentiel en quelques lignes.",
    )
    languages = forms.CharField(
        label="Langues parlées",
        required=False,
        max_length=300,
        help_text="Séparées par des virgules, par exemple : français, anglais, arabe.",
    )
    account = forms.ModelChoiceField(
        label="Compte (la personne tient son agenda dans « Mon agenda »)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Aucun compte relié",
        help_text="Invite d'abord la personne avec le rôle conseiller·ère.",
    )

    class Meta:
        model = Advisor
        fields = [
            "kind", "display_name", "organisation", "job_title", "bio", "topics", "freins",
            "languages", "formats", "location",
        ]  # fmt: skip
        # video_url is declared above (https by default) and validated again by the service.
        labels = {
            "kind": "Type",
            "display_name": "Nom affiché (prénom ou prénom + initiale)",
            "organisation": "Structure ou entreprise",
            "job_title": "Métier ou fonction",
            "bio": "Présentation courte",
            "location": "Lieu des rendez-vous",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "bio": "Quelques phrases, en tutoyant : c'est ce que les jeunes lisent.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(theme_choices())
        # Keep topics stored earlier (sub-themes, API input) selectable, so editing keeps them.
        known = {code for code, _label in choices}
        labels = theme_labels()
        for code in self.instance.topics or []:
            if code not in known:
                choices.append((code, labels.get(code, code)))
        self.fields["topics"].choices = choices
        taken = Advisor.objects.exclude(pk=self.instance.pk).filter(user__isnull=False)
        self.fields["account"].queryset = (
            User.objects.filter(role__in=ADVISOR_ACCOUNT_ROLES, is_active=True)
            .exclude(pk__in=taken.values("user_id"))
            .order_by("email")
        )
        if self.instance.pk and not self.is_bound:
            self.initial["languages"] = ", ".join(self.instance.languages or [])
            self.initial["account"] = self.instance.user_id

    def clean_languages(self) -> list[str]:
        seen: list[str] = []
        for part in self.cleaned_data["languages"].split(","):
            name = " ".join(part.split())
            if name and name.lower() not in (s.lower() for s in seen):
                seen.append(name)
        return seen


class SlotForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration = forms.IntegerField(label="Durée (minutes)", min_value=10, max_value=480, initial=45)
    format = forms.ChoiceField(label="Format")
    weeks = forms.IntegerField(
        label="Répéter chaque semaine pendant … semaines",
        min_value=1,
        max_value=52,
        initial=1,
        help_text="1 = seulement ce jour-là. Les créneaux qui existent déjà ne sont pas recréés.",
    )

    def __init__(self, *args, advisor: Advisor, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(MeetingFormat.choices)
        self.fields["format"].choices = [(code, labels.get(code, code)) for code in advisor.formats]

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time"):
            starts_at = timezone.make_aware(datetime.combine(data["date"], data["start_time"]))
            if starts_at <= timezone.now():
                raise forms.ValidationError("Choisis une date et une heure à venir.")
            data["starts_at"] = starts_at
            if data.get("duration"):
                data["ends_at"] = starts_at + timedelta(minutes=data["duration"])
        return data


class BookingCancelForm(forms.Form):
    reason = forms.CharField(
        label="Motif (envoyé au ou à la jeune)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
