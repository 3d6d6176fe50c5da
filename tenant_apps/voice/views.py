"""Pages of youth voice: « Donne ton avis » for young people (no JavaScript needed), and the
staff's polls: write, open, close, read the results."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from kernel.errors import ApplicationError, Conflict

from tenant_apps.catalogue.permissions import can_publish
from tenants.pages import city_object_or_404, city_page, staff_page, youth_page

from . import selectors, services
from .api import can_read_results, set_device_cookie
from .forms import AnswerForm, IdeaForm, IdeaReviewForm, PollForm
from .models import Idea, Poll, PollStatus


@city_page
def poll_list(request: HttpRequest) -> HttpResponse:
    token = request.COOKIES.get(services.DEVICE_COOKIE, "")
    answered = selectors.polls_answered_by(
        user=request.user, device=services.device_key(token) if token else ""
    )
    return render(
        request, "voice/poll_list.html", {"polls": selectors.polls_open(), "answered": answered}
    )


@city_page
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = selectors.polls_open().filter(pk=pk).first()
    if poll is None:
        raise Http404
    needs_account = not poll.allow_anonymous and not request.user.is_authenticated
    token = request.COOKIES.get(services.DEVICE_COOKIE, "")
    answered = poll.pk in selectors.polls_answered_by(
        user=request.user, device=services.device_key(token) if token else ""
    )
    if answered:
        messages.info(request, "Tu as déjà répondu à ce sondage, merci !")
        return redirect("voice:polls")
    form = AnswerForm(poll, request.POST or None)
    if request.method == "POST" and not needs_account and form.is_valid():
        token = request.COOKIES.get(services.DEVICE_COOKIE, "")
        new = not 16 <= len(token) <= 64
        if new:
            token = services.new_device_token()
        try:
            services.poll_answer(
                poll_id=poll.pk, user=request.user, device_token=token, answers=form.answers()
            )
        except Conflict as exc:
            messages.info(request, exc.message)
            return redirect("voice:polls")
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Merci ! Ta réponse compte pour la ville.")
            response = redirect("voice:polls")
            if new and not request.user.is_authenticated:
                set_device_cookie(response, token)
            return response
    return render(
        request,
        "voice/poll_detail.html",
        {"poll": poll, "form": form, "needs_account": needs_account},
    )


@staff_page(can_read_results)
def staff_polls(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "voice/staff_polls.html",
        {"polls": selectors.polls_for_staff(), "can_publish": can_publish(request.user)},
    )


@staff_page(can_publish)
def staff_poll_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    poll = city_object_or_404(request, Poll, pk=pk) if pk else None
    initial = PollForm.initial_for(poll) if poll else None
    form = PollForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.poll_save(
                by=request.user, fields=form.poll_fields(), questions=form.questions(), poll=poll
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            for field, errors in (getattr(exc, "fields", None) or {}).items():
                for error in errors:
                    form.add_error(None, f"{field} : {error}")
        else:
            messages.success(request, "Sondage enregistré.")
            return redirect("voice:staff-poll-results", pk=saved.pk)
    return render(request, "voice/staff_poll_form.html", {"form": form, "poll": poll})


@require_POST
@staff_page(can_publish)
def staff_poll_status(request: HttpRequest, pk: int) -> HttpResponse:
    poll = city_object_or_404(request, Poll, pk=pk)
    status = request.POST.get("status", "")
    if status not in (PollStatus.OPEN, PollStatus.CLOSED):
        messages.error(request, "Action inconnue.")
    else:
        services.poll_set_status(poll=poll, by=request.user, status=status)
        messages.success(
            request, "Sondage ouvert." if status == PollStatus.OPEN else "Sondage clos."
        )
    return redirect("voice:staff-poll-results", pk=poll.pk)


@staff_page(can_read_results)
def staff_poll_results(request: HttpRequest, pk: int) -> HttpResponse:
    poll = city_object_or_404(request, Poll, pk=pk)
    return render(
        request,
        "voice/staff_poll_results.html",
        {
            "poll": poll,
            "results": selectors.poll_results(poll=poll),
            "can_publish": can_publish(request.user),
            "threshold": selectors.THRESHOLD,
        },
    )


@city_page
def idea_list(request: HttpRequest) -> HttpResponse:
    form = IdeaForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if form.is_valid():
            try:
                services.idea_propose(user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, "Merci ! La ville lit ta proposition avant de la montrer."
                )
                return redirect("voice:ideas")
    return render(
        request,
        "voice/idea_list.html",
        {
            "ideas": selectors.ideas_public()[:50],
            "form": form,
            "supported": selectors.ideas_supported_by(request.user),
        },
    )


@require_POST
@youth_page
def idea_support(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        counted = services.idea_support(user=request.user, idea_id=pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Tu soutiens cette idée." if counted else "Tu la soutiens déjà.")
    return redirect("voice:ideas")


@staff_page(can_read_results)
def staff_ideas(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "voice/staff_ideas.html",
        {
            "ideas": selectors.ideas_for_staff(),
            "can_publish": can_publish(request.user),
            "form": IdeaReviewForm(),
        },
    )


@require_POST
@staff_page(can_publish)
def staff_idea_review(request: HttpRequest, pk: int) -> HttpResponse:
    idea = city_object_or_404(request, Idea, pk=pk)
    form = IdeaReviewForm(request.POST)
    form.is_valid()
    try:
        services.idea_review(
            idea=idea,
            by=request.user,
            status=request.POST.get("status", ""),
            answer=form.cleaned_data.get("answer", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "C'est noté.")
    return redirect("voice:staff-ideas")
