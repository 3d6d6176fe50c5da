"""Forms of youth voice: a poll's answers (built from its questions) and the staff editor."""

from __future__ import annotations

from django import forms

from .models import IdeaKind, Poll, Question, QuestionKind

QUESTION_ROWS = 5


class AnswerForm(forms.Form):
    """One field per question of `poll`; `answers()` gives what services.poll_answer takes."""

    def __init__(self, poll: Poll, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll = poll
        for q in poll.questions.all():
            name = f"q{q.pk}"
            if q.kind == QuestionKind.SINGLE:
                field = forms.TypedChoiceField(
                    coerce=int,
                    widget=forms.RadioSelect,
                    choices=list(enumerate(q.choices)),
                )
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                    choices=list(enumerate(q.choices)),
                )
            elif q.kind == QuestionKind.SCALE:
                low, high = Question.SCALE
                field = forms.TypedChoiceField(
                    coerce=int,
                    widget=forms.RadioSelect,
                    choices=[(v, str(v)) for v in range(low, high + 1)],
                    help_text=f"{low} : pas du tout · {high} : tout à fait",
                )
            else:
                field = forms.CharField(
                    max_length=Question.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
                )
            field.label = q.label
            field.required = q.required
            self.fields[name] = field

    def answers(self) -> dict[str, object]:
        return {name[1:]: value for name, value in self.cleaned_data.items()}


class PollForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=160)
    intro = forms.CharField(
        label="Présentation (en quelques mots, pourquoi tu demandes)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    allow_anonymous = forms.BooleanField(
        label="Ouvert sans compte (une réponse par appareil)", required=False, initial=True
    )
    closes_at = forms.DateTimeField(
        label="Se termine le",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(QUESTION_ROWS):
            self.fields[f"label_{i}"] = forms.CharField(
                label=f"Question {i + 1}", max_length=200, required=False
            )
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label=f"Type de la question {i + 1}",
                choices=QuestionKind.choices,
                required=False,
            )
            self.fields[f"choices_{i}"] = forms.CharField(
                label=f"Choix de la question {i + 1} (un par ligne)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"required_{i}"] = forms.BooleanField(
                label=f"Réponse obligatoire à la question {i + 1}", required=False
            )

    def poll_fields(self) -> dict:
        return {
            k: self.cleaned_data.get(k) for k in ("title", "intro", "allow_anonymous", "closes_at")
        }

    def questions(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "label": data.get(f"label_{i}", ""),
                "kind": data.get(f"kind_{i}") or "single",
                "choices": (data.get(f"choices_{i}") or "").splitlines(),
                "required": data.get(f"required_{i}", False),
            }
            for i in range(QUESTION_ROWS)
        ]

    @classmethod
    def initial_for(cls, poll: Poll) -> dict:
        initial = {
            "title": poll.title,
            "intro": poll.intro,
            "allow_anonymous": poll.allow_anonymous,
            "closes_at": poll.closes_at,
        }
        for i, q in enumerate(poll.questions.all()[:QUESTION_ROWS]):
            initial.update(
                {
                    f"label_{i}": q.label,
                    f"kind_{i}": q.kind,
                    f"choices_{i}": "\n".join(q.choices),
                    f"required_{i}": q.required,
                }
            )
        return initial


class IdeaForm(forms.Form):
    kind = forms.ChoiceField(
        label="Tu proposes",
        choices=IdeaKind.choices,
        widget=forms.RadioSelect,
        initial=IdeaKind.EVENT,
    )
    title = forms.CharField(label="Titre", max_length=120)
    body = forms.CharField(
        label="En quelques lignes : quoi, pour qui, où ?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class IdeaReviewForm(forms.Form):
    answer = forms.CharField(
        label="Réponse de la ville", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
