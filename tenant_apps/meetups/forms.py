"""Forms of « Adopte un pro » (pages only; the API validates in its serializers)."""

from __future__ import annotations

from django import forms

from tenant_apps.matching.models import Advisor

from .models import Pro, SpeedMeeting
from .services import LIMITS

ORDINALS = ("1er", "2e", "3e", "4e", "5e", "6e", "7e", "8e", "9e", "10e")


class ChoicesForm(forms.Form):
    """One select per choice, by order of preference: works without JavaScript."""

    def __init__(self, meeting: SpeedMeeting, pros: list[Pro], chosen: list[int], *args, **kw):
        super().__init__(*args, **kw)
        options = [("", "—")] + [(str(p.pk), f"{p.display_name} · {p.job_title}") for p in pros]
        for index in range(meeting.choices_max):
            self.fields[f"choice_{index + 1}"] = forms.ChoiceField(
                label=f"{ORDINALS[index]} choix",
                choices=options,
                required=False,
                initial=str(chosen[index]) if index < len(chosen) else "",
            )

    def pro_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data.values() if v]


class MeetingForm(forms.Form):
    rounds = forms.IntegerField(
        label="Nombre de rencontres par pro", min_value=LIMITS["rounds"][0],
        max_value=LIMITS["rounds"][1], initial=6,
    )  # fmt: skip
    round_minutes = forms.IntegerField(
        label="Durée d'une rencontre (minutes)", min_value=LIMITS["round_minutes"][0],
        max_value=LIMITS["round_minutes"][1], initial=10,
    )  # fmt: skip
    break_minutes = forms.IntegerField(
        label="Pause pour changer de table (minutes)", min_value=LIMITS["break_minutes"][0],
        max_value=LIMITS["break_minutes"][1], initial=2,
    )  # fmt: skip
    choices_max = forms.IntegerField(
        label="Pros qu'un·e jeune peut choisir", min_value=LIMITS["choices_max"][0],
        max_value=LIMITS["choices_max"][1], initial=3,
    )  # fmt: skip
    referent = forms.ModelChoiceField(
        label="Conseiller·ère référent·e (prévenu·e des demandes pour se revoir)",
        queryset=Advisor.objects.filter(is_active=True, user__isnull=False),
        required=False,
        empty_label="— personne —",
    )

    def values(self) -> dict[str, int]:
        return {k: self.cleaned_data[k] for k in ("rounds", "round_minutes", "break_minutes",
                                                  "choices_max")}  # fmt: skip

    @classmethod
    def for_meeting(cls, meeting: SpeedMeeting, data=None) -> MeetingForm:
        initial = {
            "rounds": meeting.rounds, "round_minutes": meeting.round_minutes,
            "break_minutes": meeting.break_minutes, "choices_max": meeting.choices_max,
            "referent": meeting.referent_id,
        }  # fmt: skip
        return cls(data, initial=initial)


class ProCardForm(forms.Form):
    display_name = forms.CharField(label="Nom affiché", max_length=80, required=False)
    job_title = forms.CharField(label="Métier", max_length=120, required=False)
    organisation = forms.CharField(label="Structure ou entreprise", max_length=120, required=False)
    pitch = forms.CharField(
        label="En une phrase, ce que la personne raconte", max_length=300, required=False
    )
    table = forms.CharField(label="Table", max_length=30, required=False,
                            help_text="Par exemple « Table 3 » ou « Salle B ».")  # fmt: skip


class ProAddForm(ProCardForm):
    user = forms.TypedChoiceField(label="Compte (partenaire ou conseiller·ère)", coerce=int)

    def __init__(self, candidates, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["user"].choices = [("", "—")] + [
            (u.pk, f"{u.display_name or u.email} · {u.get_role_display()}") for u in candidates
        ]
        self.order_fields(["user"])
