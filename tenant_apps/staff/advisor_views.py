"""Back-office pages for advisors and mentors (« accompagnement ») and their slots.

Admin and editor manage; viewer reads; partners and young people get the 403 page. Views parse a
form, call one tenant_apps.matching service, and render; the services check roles again and write
the audit log.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from kernel.errors import ApplicationError

from shared_apps.accounts.models import Role
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.catalogue.permissions import can_publish
from tenant_apps.catalogue.themes import theme_labels
from tenant_apps.matching import services
from tenant_apps.matching.models import Advisor, Booking, MeetingFormat, Slot
from tenant_apps.matching.selectors import slots_with_places
from tenant_apps.youth.choices import Frein
from tenants.pages import city_object_or_404, is_city_admin, staff_page

from .advisor_forms import AdvisorForm, BookingCancelForm, SlotForm
from .views import _context, _fail


def can_view_advisors(user) -> bool:
    """Partners are outside: they never see who books whom."""
    return getattr(user, "is_authenticated", False) and user.role in (
        Role.ADMIN,
        Role.EDITOR,
        Role.VIEWER,
    )


can_manage_advisors = can_publish  # admin and editor


def _advisor_context(request: HttpRequest, **extra) -> dict:
    user = request.user
    return _context(
        request,
        can_manage=can_manage_advisors(user),
        # Least privilege: who booked is for those who run the appointments (admins, editors);
        # what the young person wrote, for admins only (and the advisor, in their own agenda).
        can_see_bookers=can_manage_advisors(user),
        can_read_messages=is_city_admin(user),
        **extra,
    )


@staff_page(can_view_advisors)
def advisor_list(request: HttpRequest) -> HttpResponse:
    upcoming = Slot.objects.filter(starts_at__gt=timezone.now(), canceled_at__isnull=True)
    free: Counter[int] = Counter()
    booked: Counter[int] = Counter()
    # A group slot holds several bookings: free = slots with a place left.
    for slot in slots_with_places(upcoming).values("advisor_id", "places_left", "booked"):
        free[slot["advisor_id"]] += slot["places_left"] > 0
        booked[slot["advisor_id"]] += slot["booked"]
    advisors = Advisor.objects.order_by("-is_active", "kind", "display_name")
    rows = [(advisor, free[advisor.pk], booked[advisor.pk]) for advisor in advisors]
    return render(request, "staff/advisor_list.html", _advisor_context(request, rows=rows))


def _fields(form: AdvisorForm) -> dict:
    return {name: form.cleaned_data[name] for name in form.SERVICE_FIELDS}


def _show_service_errors(form: AdvisorForm, exc: ApplicationError) -> None:
    for name, lines in exc.fields.items():
        target = name if name in form.fields else None
        for line in lines:
            form.add_error(target, line)


@staff_page(can_manage_advisors)
def advisor_create(request: HttpRequest) -> HttpResponse:
    form = AdvisorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                advisor = services.advisor_create(by=request.user, **_fields(form))
                if form.cleaned_data["account"] is not None:
                    services.advisor_link_account(
                        advisor=advisor, user=form.cleaned_data["account"], by=request.user
                    )
        except ApplicationError as exc:
            _fail(request, exc)
            _show_service_errors(form, exc)
        else:
            messages.success(request, f"{advisor.display_name} est enregistré·e.")
            return redirect("staff:advisor", advisor_id=advisor.pk)
    return render(request, "staff/advisor_form.html", _advisor_context(request, form=form))


@staff_page(can_manage_advisors)
def advisor_edit(request: HttpRequest, advisor_id: int) -> HttpResponse:
    advisor = city_object_or_404(request, Advisor, pk=advisor_id)
    # The form validates a copy: the service diffs the stored advisor against the new values.
    form = AdvisorForm(request.POST or None, instance=Advisor.objects.get(pk=advisor.pk))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.advisor_update(advisor=advisor, by=request.user, fields=_fields(form))
                services.advisor_link_account(
                    advisor=advisor, user=form.cleaned_data["account"], by=request.user
                )
        except ApplicationError as exc:
            _fail(request, exc)
            _show_service_errors(form, exc)
        else:
            messages.success(request, "Modifications enregistrées.")
            return redirect("staff:advisor", advisor_id=advisor.pk)
    return render(
        request, "staff/advisor_form.html", _advisor_context(request, form=form, advisor=advisor)
    )


def _detail(request: HttpRequest, advisor: Advisor, *, slot_form: SlotForm | None = None):
    live = Booking.objects.filter(canceled_at__isnull=True).select_related("user")
    slots = (
        Slot.objects.filter(advisor=advisor, starts_at__gt=timezone.now(), canceled_at=None)
        .prefetch_related(Prefetch("bookings", queryset=live, to_attr="live_bookings"))
        .order_by("starts_at")
    )
    # One row per booking (a group slot has several), and one for a slot nobody booked yet.
    rows = [(slot, booking) for slot in slots for booking in (slot.live_bookings or [None])]
    labels = theme_labels()
    formats = dict(MeetingFormat.choices)
    freins = dict(Frein.choices)
    history = StaffAuditEntry.objects.filter(Q(object_type="advisor", object_id=str(advisor.pk)))[
        :10
    ]
    return render(
        request,
        "staff/advisor_detail.html",
        _advisor_context(
            request,
            advisor=advisor,
            rows=rows,
            slot_form=slot_form or SlotForm(advisor=advisor),
            cancel_form=BookingCancelForm(),
            topic_names=[labels.get(code, code) for code in advisor.topics],
            frein_names=[freins.get(code, code) for code in advisor.freins],
            format_names=[formats.get(code, code) for code in advisor.formats],
            history=history,
        ),
        status=400 if slot_form is not None and slot_form.errors else 200,
    )


@staff_page(can_view_advisors)
def advisor_detail(request: HttpRequest, advisor_id: int) -> HttpResponse:
    return _detail(request, city_object_or_404(request, Advisor, pk=advisor_id))


@require_POST
@staff_page(can_manage_advisors)
def advisor_activation(request: HttpRequest, advisor_id: int) -> HttpResponse:
    advisor = city_object_or_404(request, Advisor, pk=advisor_id)
    is_active = request.POST.get("active") == "1"
    try:
        services.advisor_set_active(advisor=advisor, by=request.user, is_active=is_active)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        if is_active:
            messages.success(request, f"{advisor.display_name} est de nouveau visible des jeunes.")
        else:
            messages.success(
                request,
                f"{advisor.display_name} n'est plus visible des jeunes. "
                "Les rendez-vous déjà pris sont conservés.",
            )
    return redirect("staff:advisor", advisor_id=advisor.pk)


@require_POST
@staff_page(can_manage_advisors)
def slot_add(request: HttpRequest, advisor_id: int) -> HttpResponse:
    advisor = city_object_or_404(request, Advisor, pk=advisor_id)
    form = SlotForm(request.POST, advisor=advisor)
    if not form.is_valid():
        return _detail(request, advisor, slot_form=form)
    data = form.cleaned_data
    try:
        created, skipped = services.slot_create_weekly(
            advisor=advisor,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            format=data["format"],
            weeks=data["weeks"],
            by=request.user,
        )
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _detail(request, advisor, slot_form=form)
    if created:
        messages.success(request, f"{len(created)} créneau(x) ajouté(s).")
    if skipped:
        messages.warning(request, f"{skipped} créneau(x) existai(en)t déjà : non recréé(s).")
    return redirect("staff:advisor", advisor_id=advisor.pk)


@require_POST
@staff_page(can_manage_advisors)
def slot_delete(request: HttpRequest, advisor_id: int, slot_id: int) -> HttpResponse:
    slot = city_object_or_404(request, Slot, pk=slot_id, advisor_id=advisor_id)
    try:
        services.slot_delete(slot=slot, by=request.user)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "Créneau supprimé.")
    return redirect("staff:advisor", advisor_id=advisor_id)


@require_POST
@staff_page(can_manage_advisors)
def booking_cancel(request: HttpRequest, advisor_id: int, booking_id: int) -> HttpResponse:
    booking = city_object_or_404(request, Booking, pk=booking_id, slot__advisor_id=advisor_id)
    form = BookingCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.booking_cancel_by_staff(booking=booking, by=request.user, reason=reason)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request, "Rendez-vous annulé : le ou la jeune a reçu un message. Le créneau est libre."
        )
    return redirect("staff:advisor", advisor_id=advisor_id)
