"""« Mon agenda » (/staff/mon-agenda/): an advisor's own slots and bookings, new slots,
cancellations that tell the young people booked, and the presentation young people see.

Only the advisor whose account is linked to the record reaches it (tenant_apps.matching.
permissions.is_advisor); every object is looked up among that advisor's own slots, so another
advisor's booking is a 404. Views parse a form, call one service, and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from kernel.errors import ApplicationError

from tenants.pages import city_object_or_404, staff_page

from . import selectors, services
from .forms import AgendaSlotForm, CancelForm, PresentationForm
from .models import Booking, Slot
from .permissions import advisor_of, is_advisor


def _unlinked(request: HttpRequest) -> HttpResponse:
    return render(request, "matching/agenda_unlinked.html", status=200)


def _agenda(request: HttpRequest, advisor, *, slot_form: AgendaSlotForm | None = None):
    now = timezone.now()
    slots = list(selectors.advisor_agenda(advisor=advisor))
    return render(
        request,
        "matching/agenda.html",
        {
            "advisor": advisor,
            "upcoming": [s for s in slots if s.starts_at > now],
            "past": [s for s in slots if s.starts_at <= now][::-1],
            "slot_form": slot_form or AgendaSlotForm(advisor=advisor),
            "cancel_form": CancelForm(),
        },
        status=400 if slot_form is not None and slot_form.errors else 200,
    )


@staff_page(is_advisor)
def agenda(request: HttpRequest) -> HttpResponse:
    advisor = advisor_of(request.user)
    if advisor is None:
        return _unlinked(request)
    return _agenda(request, advisor)


@require_POST
@staff_page(is_advisor)
def agenda_slot_add(request: HttpRequest) -> HttpResponse:
    advisor = advisor_of(request.user)
    if advisor is None:
        return _unlinked(request)
    form = AgendaSlotForm(request.POST, advisor=advisor)
    if not form.is_valid():
        return _agenda(request, advisor, slot_form=form)
    data = form.cleaned_data
    try:
        created, skipped = services.slot_create_weekly(
            advisor=advisor, starts_at=data["starts_at"], ends_at=data["ends_at"],
            format=data["format"], weeks=data["weeks"], by=request.user,
            capacity=data["capacity"], place=data["place"], video_link=data["video_link"],
        )  # fmt: skip
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        for name, lines in exc.fields.items():
            if name in form.fields:
                for line in lines:
                    form.add_error(name, line)
        return _agenda(request, advisor, slot_form=form)
    if created:
        messages.success(request, f"{len(created)} créneau(x) ajouté(s).")
    if skipped:
        messages.warning(request, f"{skipped} créneau(x) existai(en)t déjà : non recréé(s).")
    return redirect("matching:agenda")


@require_POST
@staff_page(is_advisor)
def agenda_slot_cancel(request: HttpRequest, slot_id: int) -> HttpResponse:
    advisor = advisor_of(request.user)
    if advisor is None:
        return _unlinked(request)
    slot = city_object_or_404(request, Slot, pk=slot_id, advisor=advisor)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if slot.bookings.filter(canceled_at__isnull=True).exists():
            services.slot_cancel(slot=slot, by=request.user, reason=reason)
            messages.success(request, "Créneau annulé : les jeunes inscrit·es sont prévenu·es.")
        else:
            services.slot_delete(slot=slot, by=request.user)
            messages.success(request, "Créneau supprimé.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("matching:agenda")


@require_POST
@staff_page(is_advisor)
def agenda_booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    advisor = advisor_of(request.user)
    if advisor is None:
        return _unlinked(request)
    booking = city_object_or_404(request, Booking, pk=booking_id, slot__advisor=advisor)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.booking_cancel_by_staff(booking=booking, by=request.user, reason=reason)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Rendez-vous annulé : le ou la jeune a reçu un message.")
    return redirect("matching:agenda")


@staff_page(is_advisor)
def agenda_presentation(request: HttpRequest) -> HttpResponse:
    advisor = advisor_of(request.user)
    if advisor is None:
        return _unlinked(request)
    if request.method != "POST":
        form = PresentationForm.for_advisor(advisor)
        return render(request, "matching/agenda_presentation.html", _presentation(advisor, form))
    form = PresentationForm.for_advisor(advisor, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.advisor_presentation_update(
                advisor=advisor, by=request.user, fields=form.service_fields(),
                photo=form.cleaned_data["photo"], video=form.cleaned_data["video"],
                remove_photo=form.cleaned_data["remove_photo"],
                remove_video=form.cleaned_data["remove_video"],
            )  # fmt: skip
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            for name, lines in exc.fields.items():
                if name in form.fields:
                    for line in lines:
                        form.add_error(name, line)
        else:
            messages.success(request, "Ta présentation est à jour.")
            return redirect("matching:agenda-presentation")
    return render(
        request, "matching/agenda_presentation.html", _presentation(advisor, form), status=400
    )


def _presentation(advisor, form: PresentationForm) -> dict:
    return {"advisor": advisor, "form": form}
