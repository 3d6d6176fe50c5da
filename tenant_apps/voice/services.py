"""Writes of youth voice: staff create and open polls; a young person (or an anonymous
device) answers once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from tenant_apps.audit.services import audit_record
from tenant_apps.catalogue.permissions import can_publish

from .models import (
    Answer,
    Idea,
    IdeaKind,
    IdeaStatus,
    IdeaSupport,
    Poll,
    PollResponse,
    PollStatus,
    Question,
    QuestionKind,
)

DEVICE_COOKIE = "tremplin_device"
MAX_QUESTIONS = 10
MAX_CHOICES = 12


def new_device_token() -> str:
    return secrets.token_urlsafe(24)


def device_key(token: str) -> str:
    """What we store of an anonymous device: an HMAC of its cookie, keyed per city."""
    key = f"{settings.SECRET_KEY}:voice:{connection.schema_name}".encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def _require_editor(by) -> None:
    if not can_publish(by):
        raise PermissionDenied("Seuls les administrateurs et éditeurs publient des sondages.")


def _clean_questions(rows: list[dict]) -> list[dict]:
    questions, errors = [], {}
    for index, row in enumerate(rows):
        label = (row.get("label") or "").strip()
        if not label:
            continue
        kind = row.get("kind")
        choices = [c.strip()[:120] for c in row.get("choices") or [] if c and c.strip()]
        if kind not in QuestionKind.values:
            errors[f"questions.{index}.kind"] = ["Type de question inconnu."]
        elif (
            kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            and not 2 <= len(choices) <= MAX_CHOICES
        ):
            errors[f"questions.{index}.choices"] = [
                f"Entre 2 et {MAX_CHOICES} choix, un par ligne."
            ]
        questions.append(
            {
                "kind": kind,
                "label": label[:200],
                "required": bool(row.get("required")),
                "choices": choices if kind in ("single", "multiple") else [],
            }
        )
    if not questions:
        errors["questions"] = ["Ajoute au moins une question."]
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = [f"{MAX_QUESTIONS} questions au plus."]
    if errors:
        raise ValidationFailed("Le sondage est à corriger.", fields=errors)
    return questions


@transaction.atomic
def poll_save(
    *, by, fields: dict[str, Any], questions: list[dict], poll: Poll | None = None
) -> Poll:
    """Create a poll, or edit one nobody has answered yet (answers would no longer match)."""
    _require_editor(by)
    cleaned = _clean_questions(questions)
    title = (fields.get("title") or "").strip()
    if not title:
        raise ValidationFailed("Le sondage est à corriger.", fields={"title": ["Donne un titre."]})
    if poll is not None:
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.responses.exists():
            raise Conflict(
                "Des jeunes ont déjà répondu : ce sondage ne se modifie plus.", code="poll_answered"
            )
    else:
        poll = Poll(created_by=getattr(by, "email", ""))
    poll.title = title[:160]
    poll.intro = (fields.get("intro") or "").strip()
    poll.allow_anonymous = bool(fields.get("allow_anonymous", True))
    poll.closes_at = fields.get("closes_at")
    poll.save()
    poll.questions.all().delete()
    Question.objects.bulk_create(
        [Question(poll=poll, position=i, **q) for i, q in enumerate(cleaned)]
    )
    audit_record(actor=by, action="poll.save", obj=poll, diff={"title": [None, poll.title]})
    return poll


def poll_set_status(*, poll: Poll, by, status: str) -> Poll:
    _require_editor(by)
    if status not in PollStatus.values:
        raise ValidationFailed("Statut inconnu.", fields={"status": ["Statut inconnu."]})
    Poll.objects.filter(pk=poll.pk).update(status=status)
    poll.status = status
    audit_record(actor=by, action=f"poll.{status}", obj=poll)
    return poll


def _answer_for(question: Question, value) -> Answer | None:
    """The Answer `value` gives to `question`, None when left empty; ValidationFailed if wrong."""
    field = f"answers.{question.pk}"

    def wrong(message: str):
        return ValidationFailed("Certaines réponses sont à corriger.", fields={field: [message]})

    empty = value is None or value == "" or value == []
    if empty:
        if question.required:
            raise wrong("Cette question demande une réponse.")
        return None
    if question.kind == QuestionKind.SINGLE:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value < len(question.choices)
        ):
            raise wrong("Choisis une des réponses proposées.")
        return Answer(question=question, choices=[value])
    if question.kind == QuestionKind.MULTIPLE:
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v < len(question.choices)
            for v in value
        ):
            raise wrong("Choisis parmi les réponses proposées.")
        return Answer(question=question, choices=sorted(set(value)))
    if question.kind == QuestionKind.SCALE:
        low, high = Question.SCALE
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise wrong(f"Une note de {low} à {high}.")
        return Answer(question=question, value=value)
    if not isinstance(value, str) or len(value.strip()) > Question.TEXT_MAX:
        raise wrong(f"Un texte de {Question.TEXT_MAX} caractères au plus.")
    return Answer(question=question, text=value.strip())


@transaction.atomic
def poll_answer(*, poll_id: int, user=None, device_token: str = "", answers: dict) -> PollResponse:
    """Record one response: a signed-in young person once, an anonymous device once (when the
    poll allows it). `answers` maps a question id (int or str) to its value."""
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None or poll.status == PollStatus.DRAFT:
        raise NotFound("Ce sondage n'existe pas.", code="poll_not_found")
    if not poll.is_open:
        raise Conflict("Ce sondage est terminé, merci quand même !", code="poll_closed")
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if signed_in and not user.is_youth:
        raise PermissionDenied("Les sondages sont pour les jeunes.", code="not_youth")
    if not signed_in and not poll.allow_anonymous:
        raise PermissionDenied("Connecte-toi pour répondre à ce sondage.", code="sign_in_required")
    if not isinstance(answers, dict):
        raise ValidationFailed("Réponses illisibles.", fields={"answers": ["Un objet attendu."]})
    questions = {q.pk: q for q in poll.questions.all()}
    given = {}
    for key, value in answers.items():
        try:
            qid = int(key)
        except (TypeError, ValueError):
            qid = None
        if qid not in questions:
            raise ValidationFailed(
                "Réponses illisibles.", fields={f"answers.{key}": ["Question inconnue."]}
            )
        given[qid] = value
    rows = [a for q in questions.values() if (a := _answer_for(q, given.get(q.pk))) is not None]
    if not rows:
        raise ValidationFailed("Réponds à au moins une question.", fields={"answers": ["Vide."]})
    response = PollResponse(
        poll=poll,
        user=user if signed_in else None,
        device="" if signed_in else device_key(device_token),
    )
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise Conflict(
            "Tu as déjà répondu à ce sondage, merci !", code="already_answered"
        ) from None
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response


# Ideas: proposed by young people, read by staff, supported by the others, answered.

IDEAS_PER_WEEK = 5


def idea_propose(*, user, kind: str, title: str, body: str) -> Idea:
    from datetime import timedelta

    from django.utils import timezone

    if not getattr(user, "is_authenticated", False) or not user.is_youth:
        raise PermissionDenied("Connecte-toi avec ton compte jeune pour proposer une idée.")
    errors = {}
    if kind not in IdeaKind.values:
        errors["kind"] = ["Choisis un événement ou une idée."]
    if not (title or "").strip():
        errors["title"] = ["Donne un titre."]
    if not (body or "").strip():
        errors["body"] = ["Dis-en un peu plus."]
    if errors:
        raise ValidationFailed("Ta proposition est à compléter.", fields=errors)
    recent = Idea.objects.filter(user=user, created_at__gte=timezone.now() - timedelta(days=7))
    if recent.count() >= IDEAS_PER_WEEK:
        raise Conflict(
            f"{IDEAS_PER_WEEK} propositions par semaine au plus : reviens bientôt !",
            code="too_many_ideas",
        )
    return Idea.objects.create(
        user=user, kind=kind, title=title.strip()[:120], body=body.strip()[:1000]
    )


def idea_support(*, user, idea_id: int) -> bool:
    """Support a published idea (once; True when counted now, False if already)."""
    if not getattr(user, "is_authenticated", False) or not user.is_youth:
        raise PermissionDenied("Connecte-toi avec ton compte jeune pour soutenir une idée.")
    idea = Idea.objects.filter(
        pk=idea_id, status__in=[IdeaStatus.PUBLISHED, IdeaStatus.ANSWERED]
    ).first()
    if idea is None:
        raise NotFound("Cette idée n'existe pas.", code="idea_not_found")
    try:
        with transaction.atomic():
            IdeaSupport.objects.create(idea=idea, user=user)
    except IntegrityError:
        return False
    return True


def idea_review(*, idea: Idea, by, status: str, answer: str = "") -> Idea:
    """Staff publish or set aside a proposal, and answer it (answering publishes it)."""
    from django.utils import timezone

    _require_editor(by)
    answer = (answer or "").strip()
    if status not in (IdeaStatus.PUBLISHED, IdeaStatus.REJECTED, IdeaStatus.ANSWERED):
        raise ValidationFailed("Action inconnue.", fields={"status": ["Action inconnue."]})
    if status == IdeaStatus.ANSWERED and not answer:
        raise ValidationFailed("Écris la réponse de la ville.", fields={"answer": ["Vide."]})
    idea.status = status
    if answer:
        idea.answer, idea.answered_by, idea.answered_at = answer, by.email, timezone.now()
    idea.save()
    audit_record(actor=by, action=f"idea.{status}", obj=idea)
    if idea.user_id and status in (IdeaStatus.ANSWERED, IdeaStatus.REJECTED):
        _tell_author(idea)
    return idea


def _tell_author(idea: Idea) -> None:
    from tenant_apps.matching.services import inbox_add

    title = (
        f"La ville a répondu à ton idée « {idea.title} »"
        if idea.status == IdeaStatus.ANSWERED
        else f"Ton idée « {idea.title} » n'a pas été retenue"
    )
    inbox_add(user=idea.user, title=title, body=idea.answer, link="/propose-une-idee/")
