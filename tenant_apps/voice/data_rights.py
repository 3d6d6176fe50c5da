"""A young person's poll answers: in their data export; on erasure the answers stay in the
counts, unlinked from them, and their short texts (which may name them) are deleted."""

from __future__ import annotations

from tenant_apps.youth.exports import register_erasure, register_export


def _responses(user) -> list[dict]:
    from .models import PollResponse

    rows = (
        PollResponse.objects.filter(user=user)
        .select_related("poll")
        .prefetch_related("answers__question")
    )
    return [
        {
            "poll": row.poll.title,
            "at": row.created_at.isoformat(),
            "answers": [
                {
                    "question": a.question.label,
                    "choices": [
                        a.question.choices[i] for i in a.choices if i < len(a.question.choices)
                    ],
                    "value": a.value,
                    "text": a.text,
                }
                for a in row.answers.all()
            ],
        }
        for row in rows
    ]


def _ideas(user) -> dict:
    from .models import Idea, IdeaSupport

    mine = [
        {
            "title": i.title,
            "body": i.body,
            "status": i.status,
            "answer": i.answer,
            "at": i.created_at.isoformat(),
        }
        for i in Idea.objects.filter(user=user)
    ]
    supported = list(IdeaSupport.objects.filter(user=user).values_list("idea__title", flat=True))
    return {"proposed": mine, "supported": supported}


def _erase(user) -> None:
    from .models import Answer, Idea, IdeaSupport, PollResponse

    Answer.objects.filter(response__user=user).exclude(text="").update(text="")
    PollResponse.objects.filter(user=user).update(user=None)
    # What they proposed goes with them (their words); their supports too.
    Idea.objects.filter(user=user).delete()
    IdeaSupport.objects.filter(user=user).delete()


register_export("poll_answers", _responses, tables=["voice.PollResponse"])
register_export("ideas", _ideas, tables=["voice.Idea", "voice.IdeaSupport"])
register_erasure("voice", _erase, tables=["voice.PollResponse", "voice.Idea", "voice.IdeaSupport"])
