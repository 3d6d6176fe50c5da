"""Young people's pages on a city host: sign-up, verification, questionnaire, data rights."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from kernel.errors import ApplicationError
from kernel.forms import add_application_error

from shared_apps.accounts import limits
from tenant_apps.catalogue.themes import theme_labels
from tenants.pages import city_page, redirect_back, youth_page

from .choices import MIN_AGE, ConsentKind, Frein, LookingFor
from .forms import STEPS, LookingForStep, SignupForm, SituationStep, step_data, step_initial
from .selectors import (
    consent_active,
    consent_list,
    neighbourhood_list,
    profile_as_dict,
    user_data_export,
)
from .services import (
    TooYoung,
    account_delete,
    consent_give,
    consent_withdraw,
    email_verify,
    profile_adopt_session_answers,
    profile_ensure,
    profile_update,
    verification_resend,
    youth_signup_request,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"


@city_page
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("youth:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        newsletter = data.pop("newsletter")
        limits.limit_hit(request, limits.SIGN_UP_CLIENT)
        limits.limit_hit(request, limits.SIGN_UP_ACCOUNT, account=data["email"])
        try:
            user = youth_signup_request(**data)
        except TooYoung:
            return render(request, "youth/too_young.html", {"min_age": MIN_AGE})
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            if user is None:
                # The address had an account (its owner is mailed): the same answer as for a
                # new one, new session and CSRF cookies included, but nobody is signed in.
                request.session.cycle_key()
                rotate_token(request)
            else:
                if newsletter:
                    consent_give(user=user, kind=ConsentKind.NEWSLETTER)
                profile_adopt_session_answers(user=user, session=request.session)
                login(request, user, backend=BACKEND)
            messages.success(
                request,
                _(
                    "Ton compte est créé ! On t'a envoyé un e-mail pour confirmer ton adresse. "
                    "Réponds à quelques questions (moins de deux minutes) pour voir ce qui est "
                    "fait pour toi."
                ),
            )
            return redirect("youth:step", slug=STEPS[0].slug)
    return render(request, "youth/signup.html", {"form": form, "min_age": MIN_AGE})


@city_page
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    limits.limit_hit(request, limits.VERIFY_EMAIL_CLIENT)
    try:
        email_verify(token=token)
    except ApplicationError as exc:
        return render(request, "youth/verify_invalid.html", {"message": exc.message}, status=404)
    messages.success(request, _("Ton adresse e-mail est confirmée. Merci !"))
    return redirect("youth:profile" if request.user.is_authenticated else "login")


@require_POST
@youth_page
def resend_verification(request: HttpRequest) -> HttpResponse:
    limits.limit_hit(request, limits.VERIFY_EMAIL_RESEND_CLIENT)
    limits.limit_hit(request, limits.VERIFY_EMAIL_RESEND_ACCOUNT, account=request.user.email)
    if verification_resend(user=request.user):
        messages.success(request, _("C'est reparti : regarde ta boîte e-mail (et tes spams)."))
    else:
        messages.info(request, _("Ton adresse est déjà confirmée."))
    return redirect_back(request, "youth:profile")


@youth_page
def profile(request: HttpRequest) -> HttpResponse:
    answers = profile_as_dict(profile_ensure(user=request.user))
    return render(request, "youth/profile.html", _summary_context(answers))


def _summary_context(answers: dict) -> dict:
    def label(form, name, value):
        return dict(form.base_fields[name].choices).get(value, value) if value else None

    labels = theme_labels()
    neighbourhood = (
        neighbourhood_list().filter(code=answers["neighbourhood"]).first()
        if answers["neighbourhood"]
        else None
    )
    return {
        "answers": answers,
        "steps": STEPS,
        "situation_label": label(SituationStep, "situation", answers["situation"]),
        "diploma_label": label(SituationStep, "diploma_level", answers["diploma_level"]),
        "neighbourhood": neighbourhood,
        "interest_labels": [labels.get(code, code) for code in answers["interests"]],
        "frein_labels": [Frein(code).label for code in answers["freins"]],
        "looking_for_labels": [LookingFor(code).label for code in answers["looking_for"]],
        "licence_label": label(
            LookingForStep, "has_driving_licence", _yes(answers, "has_driving_licence")
        ),
        "boursier_label": label(LookingForStep, "boursier", _yes(answers, "boursier")),
    }


def _yes(answers: dict, name: str) -> str:
    value = answers.get(name)
    return "" if value is None else ("oui" if value else "non")


@youth_page
def profile_step(request: HttpRequest, slug: str) -> HttpResponse:
    index = next((i for i, step in enumerate(STEPS) if step.slug == slug), None)
    if index is None:
        raise Http404
    step = STEPS[index]
    next_url = "youth:profile" if index + 1 == len(STEPS) else None

    def go_next() -> HttpResponse:
        if next_url:
            messages.success(request, _("Merci ! Tu peux modifier tes réponses quand tu veux."))
            return redirect(next_url)
        return redirect("youth:step", slug=STEPS[index + 1].slug)

    if request.method == "POST" and "skip" in request.POST:
        return go_next()
    answers = profile_as_dict(profile_ensure(user=request.user))
    form = step.form(request.POST or None, initial=step_initial(step, answers))
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=request.user, data=step_data(step, form.cleaned_data))
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            return go_next()
    return render(
        request,
        "youth/profile_step.html",
        {"form": form, "step": step, "number": index + 1, "total": len(STEPS)},
    )


@youth_page
def my_data(request: HttpRequest) -> HttpResponse:
    consents = list(consent_list(user=request.user))
    return render(
        request,
        "youth/my_data.html",
        {
            "consents": consents,
            "newsletter": consent_active(user=request.user, kind=ConsentKind.NEWSLETTER),
        },
    )


@youth_page
def export_download(request: HttpRequest) -> HttpResponse:
    body = json.dumps(user_data_export(user=request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-tremplin.json"'
    return response


@require_POST
@youth_page
def consent_change(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        if request.POST.get("action") == "give":
            consent_give(user=request.user, kind=kind)
            messages.success(request, _("C'est noté."))
        else:
            consent_withdraw(user=request.user, kind=kind)
            messages.success(request, _("Ton consentement est retiré."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("youth:my_data")


@youth_page
def delete_account(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        if request.POST.get("confirm") == "oui":
            account_delete(user=request.user)
            logout(request)
            messages.success(request, _("Ton compte et tes données personnelles sont supprimés."))
            return redirect("/")
        error = _("Coche la case pour confirmer la suppression.")
    return render(request, "youth/delete.html", {"error": error})
