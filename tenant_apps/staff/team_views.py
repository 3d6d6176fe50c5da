"""The city's team (/staff/equipe/, the city admin only), the review queue (/staff/relecture/,
editors and admins) and each staff member's messages (/staff/messages/).

Thin: parse a form, call one service of tenant_apps.staff.services (or the catalogue's), render.
The services check the role again and write the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from kernel.errors import ApplicationError
from kernel.forms import add_application_error

from tenant_apps.catalogue import services as catalogue_services
from tenant_apps.catalogue.models import Offer, OfferStatus
from tenant_apps.catalogue.permissions import can_review
from tenant_apps.matching.models import InboxMessage
from tenants.pages import city_object_or_404, is_city_admin, is_city_staff, staff_page

from . import services
from .forms import MemberInviteForm, MemberUpdateForm, ReviewRejectForm
from .reviews import offer_submitter
from .selectors import team_members
from .views import _context, _fail


def _member(request: HttpRequest, member_id: int):
    return city_object_or_404(request, team_members(), pk=member_id)


@staff_page(is_city_admin)
def team(request: HttpRequest) -> HttpResponse:
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited = services.member_invite(
                city=request.city,
                email=data["email"],
                role=data["role"],
                structures=[s.pk for s in data["structures"]],
                by=request.user,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invited.member.email} : le lien est valable 7 jours.",
            )
            return redirect("staff:team")
    return render(
        request,
        "staff/team.html",
        _context(
            request,
            form=form,
            members=team_members().prefetch_related("partner_memberships__structure"),
        ),
        status=400 if form.errors else 200,
    )


@staff_page(is_city_admin)
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    initial = {
        "role": member.role,
        "structures": [m.structure_id for m in member.partner_memberships.all()],
    }
    form = MemberUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_update(
                member=member,
                by=request.user,
                role=data["role"],
                structures=[s.pk for s in data["structures"]],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"Rôle de {member.email} enregistré.")
            return redirect("staff:team")
    return render(
        request,
        "staff/member_form.html",
        _context(request, form=form, member=member),
        status=400 if form.errors else 200,
    )


@require_POST
@staff_page(is_city_admin)
def member_resend(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    try:
        services.member_invitation_resend(city=request.city, member=member, by=request.user)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"Nouvelle invitation envoyée à {member.email}.")
    return redirect("staff:team")


@require_POST
@staff_page(is_city_admin)
def member_deactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    try:
        services.member_deactivate(member=member, by=request.user)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request, f"Le compte de {member.email} est désactivé : ses connexions sont coupées."
        )
    return redirect("staff:team")


# The review queue: what partners (and anyone) sent for review, oldest first.


@staff_page(can_review)
def review_queue(request: HttpRequest) -> HttpResponse:
    offers = Offer.objects.filter(status=OfferStatus.IN_REVIEW).select_related("structure")
    rows = [
        {"offer": offer, "author": offer_submitter(offer.pk)}
        for offer in offers.order_by("updated_at")
    ]
    return render(
        request,
        "staff/review_queue.html",
        _context(request, rows=rows, reject_form=ReviewRejectForm()),
    )


@require_POST
@staff_page(can_review)
def review_decide(request: HttpRequest, offer_id) -> HttpResponse:
    """Publish, or send back to draft with a reason; the author is told either way."""
    offer = city_object_or_404(request, Offer, pk=offer_id)
    approve = request.POST.get("decision") == "approve"
    reason = ""
    if not approve:
        form = ReviewRejectForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Dis en quelques mots ce qui manque : l'auteur le lira.")
            return redirect("staff:reviews")
        reason = form.cleaned_data["reason"]
    try:
        catalogue_services.offer_transition(
            offer=offer, by=request.user, action="publish" if approve else "reject", reason=reason
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        verdict = "publiée" if approve else "renvoyée en brouillon avec ton motif"
        messages.success(request, f"« {offer.title} » est {verdict} ; son auteur est prévenu.")
    return redirect("staff:reviews")


# Each team member's messages (the review's answers, for a partner).


@staff_page(is_city_staff)
def inbox(request: HttpRequest) -> HttpResponse:
    items = list(InboxMessage.objects.filter(user=request.user).order_by("-created_at")[:50])
    unread = [m.pk for m in items if m.read_at is None]
    if unread:
        InboxMessage.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "staff/inbox.html", _context(request, items=items, unread=set(unread)))
