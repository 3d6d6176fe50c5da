"""Pages: choose an advisor or a mentor, book a slot, see and cancel my appointments."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from kernel.errors import ApplicationError

from tenants.pages import city_page, redirect_back, signed_in_page, youth_page

from . import selectors, services
from .forms import NotificationSettingsForm
from .models import AdvisorKind

UNKNOWN_AID = (
    "Cette aide n'existe pas (ou plus) dans ta ville : tu peux quand même prendre rendez-vous, "
    "dis simplement de quoi tu veux parler."
)


def _about(value: str) -> dict:
    """The aid named by `?aide=` (« Je me fais aider »), carried from the advisor list to the
    booking form; a value that names no aid of this city is dropped with a word why."""
    value = value.strip()
    if not value:
        return {"about": None, "about_error": ""}
    hit = selectors.booking_aid(offer_id=value)
    if hit is None:
        return {"about": None, "about_error": UNKNOWN_AID}
    return {"about": hit.offer, "about_error": "", "about_query": urlencode({"aide": hit.offer.pk})}


@city_page
def advisor_list_view(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type")
    mentors = selectors.mentors_enabled()
    kind = kind if kind in AdvisorKind.values else None
    if kind == AdvisorKind.MENTOR and not mentors:
        kind = None
    return render(
        request,
        "matching/advisor_list.html",
        {
            "advisors": selectors.advisor_list(kind=kind),
            "kind": kind,
            "kinds": AdvisorKind,
            "mentors": mentors,
            **_about(request.GET.get("aide", "")),
        },
    )


@city_page
def advisor_detail_view(request: HttpRequest, advisor_id: int) -> HttpResponse:
    advisor = selectors.advisor_list().filter(pk=advisor_id).first()
    if advisor is None:
        raise Http404
    slots = list(selectors.slots_free(advisor=advisor))
    # A group slot the person already holds a place in says so (and offers to cancel).
    mine = selectors.my_bookings_of_slots(user=request.user, slot_ids=[s.id for s in slots])
    for slot in slots:
        slot.my_booking_id = mine.get(slot.id)
    return render(
        request,
        "matching/advisor_detail.html",
        {
            "advisor": advisor,
            "slots": slots,
            **_about(request.GET.get("aide", "")),
        },
    )


@signed_in_page
@require_POST
def slot_book_view(request: HttpRequest, slot_id: int) -> HttpResponse:
    about = _about(request.POST.get("aide", ""))
    if about["about_error"]:
        messages.warning(request, about["about_error"])
    try:
        booking = services.booking_create(
            slot_id=slot_id,
            user=request.user,
            message=request.POST.get("message", ""),
            about_offer_id=about["about"].pk if about["about"] else None,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect_back(request, "matching:advisors", field="back")
    done = "C'est réservé ! Tu retrouves ton rendez-vous ci-dessous."
    if booking.about_offer_title:
        done = f"C'est réservé ! Ton rendez-vous est à propos de : {booking.about_offer_title}."
    messages.success(request, done)
    return redirect("matching:my-bookings")


@signed_in_page
def my_bookings_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "matching/my_bookings.html",
        {"bookings": selectors.bookings_for(user=request.user)},
    )


@signed_in_page
@require_POST
def booking_cancel_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    try:
        services.booking_cancel(booking_id=booking_id, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Rendez-vous annulé. Le créneau est de nouveau libre.")
    return redirect("matching:my-bookings")


@city_page
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a one-button page (mail scanners follow links); POST unsubscribes."""
    if request.method == "POST":
        try:
            services.digest_unsubscribe(token=token)
        except ApplicationError as exc:
            return render(request, "matching/unsubscribe.html", {"error": exc.message}, status=404)
        return render(request, "matching/unsubscribe.html", {"done": True})
    return render(request, "matching/unsubscribe.html", {"token": token})


@youth_page
def notification_settings_view(request: HttpRequest) -> HttpResponse:
    """My notification choices; the account page (/mon-compte/) embeds the same form."""
    prefs = selectors.notification_prefs(user=request.user)
    if request.method == "POST":
        form = NotificationSettingsForm.for_prefs(prefs, request.POST)
        if form.is_valid():
            services.notification_settings_update(user=request.user, **form.service_arguments())
            messages.success(request, "C'est noté : tes préférences de notification sont à jour.")
            return redirect_back(request, "matching:notifications")
        status = 400
    else:
        form, status = NotificationSettingsForm.for_prefs(prefs), 200
    return render(request, "matching/notification_settings.html", {"form": form}, status=status)
