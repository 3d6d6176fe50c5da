"""Reads of youth voice: the open polls, and their results with small counts hidden.

Results follow the diagnostic's rule (k ≥ 10): a count under 10 is shown as "<10"; when a
single-choice question hides exactly one count, the next smallest is hidden too, so that it
cannot be recovered from the total; a poll with fewer than 10 responses shows none of its
answers, and short texts are shown only from 10 responses on."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Q, QuerySet

from .models import Answer, Poll, PollStatus, QuestionKind

THRESHOLD = 10
SUPPRESSED = "<10"
TEXTS_SHOWN = 100


def polls_open() -> QuerySet[Poll]:
    from django.utils import timezone

    return (
        Poll.objects.filter(status=PollStatus.OPEN)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now()))
        .prefetch_related("questions")
    )


def polls_answered_by(*, user=None, device: str = "") -> set[int]:
    from .models import PollResponse

    if user is not None and getattr(user, "is_authenticated", False):
        rows = PollResponse.objects.filter(user=user)
    elif device:
        rows = PollResponse.objects.filter(device=device)
    else:
        return set()
    return set(rows.values_list("poll_id", flat=True))


def polls_for_staff() -> QuerySet[Poll]:
    return Poll.objects.annotate(answers_count=Count("responses")).order_by("-created_at")


def _published(counts: list[int], total: int, *, complementary: bool) -> list[int | str]:
    if total < THRESHOLD:
        return [SUPPRESSED] * len(counts)
    shown: list[int | str] = [n if n >= THRESHOLD or n == 0 else SUPPRESSED for n in counts]
    hidden = [i for i, v in enumerate(shown) if v == SUPPRESSED]
    if complementary and len(hidden) == 1:
        others = sorted((n, i) for i, n in enumerate(counts) if shown[i] != SUPPRESSED and n)
        if others:
            shown[others[0][1]] = SUPPRESSED
    return shown


def poll_results(*, poll: Poll) -> dict:
    """{"responses", "suppressed", "questions": [...]} ready for the staff page and the API."""
    total = poll.responses.count()
    questions = list(poll.questions.all())
    result = {
        "poll": poll.pk,
        "title": poll.title,
        "responses": total if total >= THRESHOLD else SUPPRESSED,
        "suppressed": total < THRESHOLD,
        "questions": [],
    }
    answers = Answer.objects.filter(question__poll=poll)
    by_question: dict[int, list[Answer]] = {}
    if total >= THRESHOLD:
        for answer in answers.only("question_id", "choices", "value", "text"):
            by_question.setdefault(answer.question_id, []).append(answer)
    for question in questions:
        rows = by_question.get(question.pk, [])
        item = {"id": question.pk, "kind": question.kind, "label": question.label}
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            tally = Counter(i for a in rows for i in a.choices)
            counts = [tally.get(i, 0) for i in range(len(question.choices))]
            single = question.kind == QuestionKind.SINGLE
            published = _published(counts, total, complementary=single)
            item["choices"] = [
                {"label": label, "count": n}
                for label, n in zip(question.choices, published, strict=True)
            ]
        elif question.kind == QuestionKind.SCALE:
            values = [a.value for a in rows if a.value is not None]
            tally = Counter(values)
            low, high = question.SCALE
            notes = range(low, high + 1)
            published = _published([tally.get(v, 0) for v in notes], total, complementary=True)
            item["scale"] = [
                {"value": v, "count": n} for v, n in zip(notes, published, strict=True)
            ]
            item["mean"] = round(sum(values) / len(values), 1) if len(values) >= THRESHOLD else None
        else:
            texts = [a.text for a in rows if a.text]
            item["texts"] = texts[-TEXTS_SHOWN:] if len(texts) >= THRESHOLD else []
            item["texts_count"] = len(texts) if len(texts) >= THRESHOLD else SUPPRESSED
        result["questions"].append(item)
    return result


def ideas_public() -> QuerySet:
    """Proposals staff have read, most supported first (no author shown)."""
    from .models import Idea, IdeaStatus

    return (
        Idea.objects.filter(status__in=[IdeaStatus.PUBLISHED, IdeaStatus.ANSWERED])
        .annotate(support_count=Count("supports"))
        .order_by("-support_count", "-created_at")
    )


def ideas_for_staff() -> QuerySet:
    from .models import Idea

    return Idea.objects.annotate(support_count=Count("supports")).order_by("status", "-created_at")


def ideas_supported_by(user) -> set[int]:
    from .models import IdeaSupport

    if not getattr(user, "is_authenticated", False):
        return set()
    return set(IdeaSupport.objects.filter(user=user).values_list("idea_id", flat=True))


def polls_in_period(*, date_from: date, date_to: date) -> QuerySet[Poll]:
    """Published polls (open or closed) that were live during the period: created by its end,
    and created in it, answered in it, or still open at its start."""
    from django.db.models import Exists, OuterRef

    from .models import PollResponse

    answered = PollResponse.objects.filter(
        poll=OuterRef("pk"), created_at__date__range=(date_from, date_to)
    )
    still_open = Q(status=PollStatus.OPEN) & (
        Q(closes_at__isnull=True) | Q(closes_at__date__gte=date_from)
    )
    return (
        Poll.objects.filter(status__in=[PollStatus.OPEN, PollStatus.CLOSED])
        .filter(created_at__date__lte=date_to)
        .filter(Q(created_at__date__gte=date_from) | Exists(answered) | still_open)
        .prefetch_related("questions")
        .order_by("-created_at", "-pk")
    )


def ideas_most_supported(*, date_from: date, date_to: date, limit: int = 10) -> list:
    """Published ideas by the support they got during the period (most first), with
    `support_count`; ideas nobody supported in the period are left out."""
    from .models import Idea, IdeaStatus

    in_period = Q(supports__created_at__date__range=(date_from, date_to))
    return list(
        Idea.objects.filter(status__in=[IdeaStatus.PUBLISHED, IdeaStatus.ANSWERED])
        .annotate(support_count=Count("supports", filter=in_period))
        .filter(support_count__gt=0)
        .order_by("-support_count", "-created_at")[:limit]
    )
