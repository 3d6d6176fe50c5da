"""Pages of « Adopte un pro »: the young person's page (choose, then read the schedule and ask
to meet again) and the staff's (set up, pros, build and send the schedule, follow-ups); a pro
(partner or advisor account) sees their own table there."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from kernel.errors import ApplicationError

from tenant_apps.catalogue.models import Offer, OfferKind, OfferStatus
from tenant_apps.catalogue.permissions import can_publish
from tenants.pages import city_page, is_city_staff, staff_page, youth_page

from . import selectors, services
from .forms import ChoicesForm, MeetingForm, ProAddForm, ProCardForm
from .models import Pro, SpeedMeeting


def _meeting_or_404(pk: int) -> SpeedMeeting:
    meeting = selectors.meeting_get(pk)
    if meeting is None:
        raise Http404
    return meeting


def _say(request: HttpRequest, exc: ApplicationError) -> None:
    details = [f"{', '.join(errors)}" for errors in (exc.fields or {}).values()]
    messages.error(request, " ".join([exc.message, *details]))


# Young people


@city_page
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(pk)
    pros = list(selectors.pros_of(meeting))
    state = selectors.youth_state(user=request.user, meeting=meeting)
    is_youth = request.user.is_authenticated and request.user.is_youth
    form = None
    if is_youth and state.registered and meeting.choices_open:
        form = ChoicesForm(meeting, pros, state.chosen, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.choices_set(
                    user=request.user, meeting_id=meeting.pk, pro_ids=form.pro_ids()
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "C'est noté ! Tu recevras ton planning avant le jour J.")
                return redirect("meetups:meeting", pk=meeting.pk)
    return render(
        request,
        "meetups/meeting.html",
        {
            "meeting": meeting,
            "offer": meeting.offer,
            "pros": pros,
            "state": state,
            "form": form,
            "is_youth": is_youth,
            "chosen_pros": [p for pk in state.chosen for p in pros if p.pk == pk],
        },
    )


@require_POST
@youth_page
def youth_follow_up(request: HttpRequest, pk: int, rendezvous_id: int) -> HttpResponse:
    _meeting_or_404(pk)
    try:
        _, mutual = services.follow_up_request(by=request.user, rendezvous_id=rendezvous_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Vous voulez tous les deux vous revoir : ton conseiller ou ta conseillère te "
            "recontacte."
            if mutual
            else "C'est transmis : on te dit vite si c'est réciproque.",
        )
    return redirect("meetups:meeting", pk=pk)


# Staff and pros


@staff_page(is_city_staff)
def staff_meetings(request: HttpRequest) -> HttpResponse:
    if not selectors.enabled():
        return render(request, "meetups/staff_meetings.html", {"disabled": True})
    editor = can_publish(request.user)
    everything = editor or request.user.role == "viewer"
    events = []
    if editor:
        events = (
            Offer.objects.filter(kind=OfferKind.EVENEMENT, speed_meeting__isnull=True)
            .exclude(status=OfferStatus.ARCHIVED)
            .exclude(starts_at__isnull=True)
            .order_by("starts_at")
        )
    if request.method == "POST" and editor:
        try:
            meeting = services.speed_meeting_save(
                by=request.user,
                offer_id=request.POST.get("offer", ""),
                values={"rounds": 6, "round_minutes": 10, "break_minutes": 2, "choices_max": 3},
            )
        except ApplicationError as exc:
            _say(request, exc)
            return redirect("meetups:staff-meetings")
        else:
            messages.success(request, "Rencontres créées : ajoute les pros, puis règle le rythme.")
            return redirect("meetups:staff-meeting", pk=meeting.pk)
    meetings = (
        selectors.meetings_for_staff() if everything else selectors.meetings_for_pro(request.user)
    )
    return render(
        request,
        "meetups/staff_meetings.html",
        {"meetings": meetings, "events": events, "editor": editor},
    )


@staff_page(is_city_staff)
def staff_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(pk)
    user = request.user
    editor = can_publish(user)
    mine = Pro.objects.filter(meeting=meeting, user=user).first()
    if not (editor or user.role == "viewer" or mine):
        raise Http404
    context = {"meeting": meeting, "offer": meeting.offer, "editor": editor, "mine": mine}
    if mine is not None:
        context["my_schedule"] = (
            selectors.pro_schedule(pro=mine) if meeting.schedule_sent_at else []
        )
        context["card_form"] = ProCardForm(
            initial={f: getattr(mine, f) for f in ProCardForm.base_fields}
        )
    if editor or user.role == "viewer":
        holding = set(selectors.pros_of(meeting).values_list("user_id", flat=True))
        candidates = [u for u in services.pro_candidates() if u.pk not in holding]
        context.update(
            demand=selectors.demand(meeting),
            choosers=selectors.choosers_count(meeting),
            schedule=selectors.schedule_table(meeting) if meeting.schedule_built_at else [],
            pros=list(selectors.pros_of(meeting)),
            follow_ups=selectors.follow_ups(meeting),
            settings_form=MeetingForm.for_meeting(meeting),
            add_form=ProAddForm(candidates),
        )
    return render(request, "meetups/staff_meeting.html", context)


@require_POST
@staff_page(can_publish)
def staff_meeting_action(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(pk)
    action = request.POST.get("action", "")
    try:
        if action == "settings":
            form = MeetingForm(request.POST)
            if not form.is_valid():
                errors = "; ".join(f"{form.fields[k].label} : {' '.join(v)}"
                                   for k, v in form.errors.items() if k in form.fields)  # fmt: skip
                messages.error(request, f"Vérifie les réglages. {errors}")
                return redirect("meetups:staff-meeting", pk=pk)
            referent = form.cleaned_data["referent"]
            services.speed_meeting_save(
                by=request.user,
                offer_id=meeting.offer_id,
                values=form.values(),
                referent_id=referent.pk if referent else None,
            )
            messages.success(request, "Réglages enregistrés.")
        elif action == "pro_add":
            form = ProAddForm(services.pro_candidates(), request.POST)
            if not form.is_valid():
                messages.error(request, "Choisis un compte partenaire ou conseiller·ère.")
                return redirect("meetups:staff-meeting", pk=pk)
            data = dict(form.cleaned_data)
            services.pro_add(
                by=request.user, meeting_id=meeting.pk, user_id=data.pop("user"), fields=data
            )
            messages.success(request, "Pro ajouté·e.")
        elif action == "pro_remove":
            services.pro_remove(by=request.user, pro_id=_int(request.POST.get("pro")))
            messages.success(request, "Table retirée.")
        elif action == "build":
            placed, unplaced = services.schedule_build(by=request.user, meeting_id=meeting.pk)
            messages.success(
                request,
                f"Planning établi : {placed} rencontre(s)"
                + (f", {unplaced} choix sans place (pros complets)." if unplaced else "."),
            )
        elif action == "send":
            told = services.schedule_send(by=request.user, meeting_id=meeting.pk)
            done = f"Planning envoyé à {told} personne(s)."
            messages.success(request, done if told else "Le planning était déjà envoyé.")
        else:
            messages.error(request, "Action inconnue.")
    except ApplicationError as exc:
        _say(request, exc)
    return redirect("meetups:staff-meeting", pk=pk)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@require_POST
@staff_page(is_city_staff)
def pro_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The pro keeps their own card current (editors may too, from the same form)."""
    meeting = _meeting_or_404(pk)
    pro = Pro.objects.filter(meeting=meeting, pk=_int(request.POST.get("pro"))).first()
    if pro is None:
        raise Http404
    form = ProCardForm(request.POST)
    if form.is_valid():
        try:
            services.pro_update(
                by=request.user,
                pro_id=pro.pk,
                fields={k: v for k, v in form.cleaned_data.items() if k in request.POST},
            )
        except ApplicationError as exc:
            _say(request, exc)
        else:
            messages.success(request, "Fiche mise à jour.")
    else:
        messages.error(request, "Vérifie la fiche : un champ est trop long.")
    return redirect("meetups:staff-meeting", pk=pk)


@require_POST
@staff_page(is_city_staff)
def pro_follow_up(request: HttpRequest, pk: int, rendezvous_id: int) -> HttpResponse:
    _meeting_or_404(pk)
    try:
        _, mutual = services.follow_up_request(by=request.user, rendezvous_id=rendezvous_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Vous souhaitez tous les deux vous revoir : le ou la référent·e est prévenu·e."
            if mutual
            else "C'est transmis au ou à la jeune et au ou à la référent·e.",
        )
    return redirect("meetups:staff-meeting", pk=pk)
