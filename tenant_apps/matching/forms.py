"""Forms of an advisor's agenda (« Mon agenda ») and of a young person's notification choices.

They parse and label; the rules (formats offered, places of a group slot, the text alternative
of a video, the uploaded files) are checked by the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from .models import SLOT_MAX_CAPACITY, Advisor, MeetingFormat


class AgendaSlotForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration = forms.IntegerField(label="Durée (minutes)", min_value=10, max_value=480, initial=45)
    format = forms.ChoiceField(
        label="Type de rendez-vous",
        help_text="En individuel, en groupe (plusieurs places), autour d'un café, ou en ligne.",
    )
    capacity = forms.IntegerField(
        label="Nombre de places",
        min_value=1,
        max_value=SLOT_MAX_CAPACITY,
        initial=1,
        help_text="Plus d'une place seulement pour un rendez-vous en groupe.",
    )
    place = forms.CharField(
        label="Lieu (adresse)",
        required=False,
        max_length=200,
        help_text="Laisse vide pour ton lieu habituel.",
    )
    video_link = forms.URLField(
        label="Lien de visio",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="Pour un rendez-vous en ligne : envoyé aux jeunes inscrit·es seulement.",
        error_messages={"invalid": "Saisis une adresse web complète (https://…)."},
    )
    weeks = forms.IntegerField(
        label="Répéter chaque semaine pendant … semaines",
        min_value=1,
        max_value=52,
        initial=1,
        help_text="1 = seulement ce jour-là.",
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
        if data.get("format") == MeetingFormat.ONLINE and not data.get("video_link"):
            self.add_error("video_link", "Un rendez-vous en ligne a besoin d'un lien de visio.")
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Motif (envoyé aux jeunes)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PresentationForm(forms.Form):
    display_name = forms.CharField(label="Nom affiché (prénom ou prénom + initiale)", max_length=80)
    job_title = forms.CharField(label="Métier ou fonction", required=False, max_length=120)
    bio = forms.CharField(
        label="Présentation courte",
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Quelques phrases, en tutoyant : c'est ce que les jeunes lisent.",
    )
    location = forms.CharField(
        label="Lieu habituel des rendez-vous", required=False, max_length=200
    )
    languages = forms.CharField(
        label="Langues parlées",
        required=False,
        max_length=300,
        help_text="Séparées par des virgules, par exemple : français, anglais, arabe.",
    )
    formats = forms.MultipleChoiceField(
        label="Types de rendez-vous proposés",
        choices=MeetingFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Coche au moins un type : les créneaux en ont besoin."},
    )
    photo = forms.FileField(
        label="Photo (PNG, JPEG ou WebP, 5 Mo au plus)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_photo = forms.BooleanField(label="Retirer la photo", required=False)
    video = forms.FileField(
        label="Courte vidéo (MP4 ou WebM, 30 Mo au plus)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm"}),
    )
    remove_video = forms.BooleanField(label="Retirer la vidéo envoyée", required=False)
    video_url = forms.URLField(
        label="… ou le lien d'une vidéo",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Saisis une adresse web complète (https://…)."},
    )
    video_text = forms.CharField(
        label="Ce que dit la vidéo (obligatoire avec une vidéo)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pour qui ne peut pas la regarder ou l'écouter : l'essentiel en quelques lignes.",
    )

    FIELDS = (
        "display_name", "job_title", "bio", "location", "languages", "formats", "video_url",
        "video_text",
    )  # fmt: skip

    @classmethod
    def for_advisor(cls, advisor: Advisor, data=None, files=None) -> PresentationForm:
        initial = {name: getattr(advisor, name) for name in cls.FIELDS}
        initial["languages"] = ", ".join(advisor.languages or [])
        return cls(data, files, initial=initial)

    def clean_languages(self) -> list[str]:
        seen: list[str] = []
        for part in self.cleaned_data["languages"].split(","):
            name = " ".join(part.split())
            if name and name.lower() not in (s.lower() for s in seen):
                seen.append(name)
        return seen

    def service_fields(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


YES_NO = (("1", "Oui"), ("0", "Non"))


class NotificationSettingsForm(forms.Form):
    digest = forms.ChoiceField(
        label="Le résumé de la semaine (les nouvelles offres pour toi)",
        choices=(("weekly", "Chaque semaine"), ("never", "Jamais")),
        widget=forms.RadioSelect,
    )
    email = forms.ChoiceField(
        label="Recevoir des e-mails (rappels, annulations, résumé)",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Avec « Non », tout arrive seulement dans « Mes messages ».",
    )
    push = forms.BooleanField(
        label="Notifications sur mon téléphone (les nouvelles offres pour toi, les rappels)",
        required=False,
    )

    @classmethod
    def for_prefs(cls, prefs: dict, data=None) -> NotificationSettingsForm:
        initial = {**prefs, "email": "1" if prefs["email"] else "0"}
        return cls(data, initial=initial)

    def service_arguments(self) -> dict[str, object]:
        data = self.cleaned_data
        return {"digest": data["digest"], "email": data["email"] == "1", "push": data["push"]}
