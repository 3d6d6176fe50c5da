"""Pages « Mes droits » and « Pour toi », for signed-in and anonymous young people alike."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from kernel.clock import local_today
from kernel.errors import ApplicationError

from tenant_apps.catalogue.selectors import offer_get_for_city
from tenant_apps.interactions import record
from tenant_apps.youth.choices import Situation
from tenants.pages import city_page, redirect_back, signed_in_page

from . import services
from .answers import answers_save, person_for_request
from .candidates import candidates_for_city
from .feed import feed_for
from .profiles import match_profile_for_request
from .questions import AnswerInvalid, answer_parse, question_for
from .rights import rights_evaluate
from .rights_api import ProfileInputSerializer

# The few answers that settle most aids, asked on the home page and to anonymous visitors.
QUICK_FIELDS = ("birth_date", "situation", "boursier")
# While OpenFisca computes, the page reloads itself after this many seconds (no JavaScript).
REFRESH_SECONDS = 3


def _quick_answers(request) -> tuple[dict, dict]:
    """(validated answers, errors) of the quick form (birth date, situation, boursier)."""
    raw = {k: v for k, v in request.POST.items() if k in QUICK_FIELDS and v != ""}
    if "boursier" in raw:
        raw["boursier"] = raw["boursier"] == "oui"
    form = ProfileInputSerializer(data=raw)
    if form.is_valid():
        return dict(form.validated_data), {}
    return {}, {field: msgs[0] for field, msgs in form.errors.items()}


def _one_answer(request, today) -> tuple[dict, dict]:
    """(answers, errors) of the one question asked in place (`fact` + `answer`)."""
    question = question_for(request.POST.get("fact", ""))
    if question is None:
        return {}, {"answer": "Cette question n'existe pas."}
    try:
        return answer_parse(question, request.POST.get("answer", ""), today=today), {}
    except AnswerInvalid as exc:
        return {}, {"answer": str(exc), "fact": question.fact}


@city_page
def rights_view(request: HttpRequest) -> HttpResponse:
    city, today = request.city, local_today()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if "fact" in request.POST:
            answers, errors = _one_answer(request, today)
        else:
            answers, errors = _quick_answers(request)
        if answers and not errors:
            try:
                answers_save(request, answers)
            except ApplicationError as exc:
                errors = {"answer": exc.message, "fact": request.POST.get("fact", "")}
            else:
                return redirect("matching:rights")
    person = person_for_request(request, city=city, today=today)
    answer = rights_evaluate(
        city=city, data=person.data, today=today, claimed=person.claimed, profile=person.profile
    )
    record(request, "right_shown", offers=[c.id for c in answer.eligible])
    asked = question_for(errors.get("fact", "")) or answer.question
    return render(
        request,
        "matching/rights.html",
        {
            "answer": answer,
            "eligible": [(c, answer.amount_of(c)) for c in answer.eligible],
            "rights": answer.as_rights(),
            "claimed": answer.claimed,
            "unclaimed_count": len(answer.unclaimed),
            "question": asked,
            "more_questions": [q for q, _, _ in answer.questions if q != asked][:4],
            "answers": person.data,
            "situations": Situation.choices,
            "errors": errors,
            "refresh_seconds": REFRESH_SECONDS if answer.computing else None,
        },
    )


@signed_in_page
@require_POST
def right_claim_view(request: HttpRequest, offer_id: str) -> HttpResponse:
    hit = offer_get_for_city(offer_id=offer_id, city=request.city)
    if hit is None or hit.offer.kind != "aide":
        raise Http404
    if request.POST.get("undo"):
        services.right_unclaim(user=request.user, offer_id=hit.offer.pk)
    else:
        services.right_claim(user=request.user, offer_id=hit.offer.pk)
        record(request, "claim", offer=hit.offer)
    return redirect_back(request, "matching:rights")  # back to the aid's page when posted there


@city_page
def feed_view(request: HttpRequest) -> HttpResponse:
    city = request.city
    profile = match_profile_for_request(request, today=local_today(), city=city)
    items = feed_for(profile=profile, candidates=candidates_for_city(city), now=timezone.now())
    return render(request, "matching/feed.html", {"items": items})
