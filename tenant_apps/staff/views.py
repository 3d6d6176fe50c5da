"""The city staff back-office at /staff/ (French, role-checked, works without JavaScript).

Views parse a form, call one catalogue service or selector, and render. Services check roles
again and write the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST
from kernel.errors import ApplicationError
from kernel.forms import add_application_error

from shared_apps.billing.selectors import city_billing_summary, plan_list
from shared_apps.billing.services import portal_link_create
from shared_apps.national.models import NationalOffer
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.audit.wording import action_sentence, changed_fields
from tenant_apps.catalogue import services
from tenant_apps.catalogue.importers.csv_template import template_csv
from tenant_apps.catalogue.imports import import_start
from tenant_apps.catalogue.models import (
    ImportRun,
    NationalOfferSetting,
    Offer,
    OfferKind,
    Structure,
)
from tenant_apps.catalogue.permissions import (
    can_edit_structure,
    can_edit_structures,
    can_publish,
    can_read,
    can_review,
    can_write,
    is_partner,
    offers_visible_to,
    structures_visible_to,
)
from tenant_apps.catalogue.selectors import OfferHit, how_to_apply
from tenant_apps.catalogue.themes import theme_labels
from tenants.models import build_url
from tenants.pages import city_object_or_404, is_city_admin, redirect_back, staff_page

from .forms import (
    ImportForm,
    NationalSettingForm,
    OfferFilterForm,
    OfferForm,
    PartnerStructureForm,
    StructureForm,
)
from .service_forms import BookletForm, PhotoForm, StructureServiceForm

# Where an advisor's back-office starts: their own agenda (a page of tenant_apps.matching).
ADVISOR_HOME = "matching:agenda"


def _context(request: HttpRequest, **extra) -> dict:
    return {
        "can_write": can_write(request.user),
        "can_publish": can_publish(request.user),
        "can_review": can_review(request.user),
        "is_partner": is_partner(request.user),
        **extra,
    }


def _visible_offers(request: HttpRequest):
    """The offers this person may see in the back-office (a partner: its structures')."""
    return offers_visible_to(request.user, Offer.objects.all())


def _fail(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


@staff_page()
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_advisor:
        try:
            return redirect(reverse(ADVISOR_HOME))
        except NoReverseMatch:  # matching's agenda is not installed
            return render(request, "tenants/staff_forbidden.html", status=403)
    return redirect("staff:offers")


@staff_page(can_read)
def offer_list(request: HttpRequest) -> HttpResponse:
    form = OfferFilterForm(request.GET or None)
    offers = _visible_offers(request).select_related("structure").order_by("-updated_at")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            offers = offers.filter(Q(title__icontains=data["q"]) | Q(summary__icontains=data["q"]))
        if data["status"]:
            offers = offers.filter(status=data["status"])
        if data["kind"]:
            offers = offers.filter(kind=data["kind"])
    page = Paginator(offers, 30).get_page(request.GET.get("page"))
    return render(request, "staff/offer_list.html", _context(request, form=form, page=page))


def _kind_param(request: HttpRequest) -> str | None:
    kind = request.GET.get("type")
    return kind if kind in OfferKind.values else None


def _offer_form_page(request: HttpRequest, form: OfferForm, offer: Offer | None, **extra):
    return render(
        request,
        "staff/offer_form.html",
        _context(
            request,
            form=form,
            offer=offer,
            kinds=OfferKind.choices,
            chosen_kind=form.kind,
            **extra,
        ),
    )


@staff_page(can_write)
def offer_create(request: HttpRequest) -> HttpResponse:
    form = OfferForm(request.POST or None, kind=_kind_param(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(by=request.user, fields=form.service_fields())
        except ApplicationError as exc:
            _fail(request, exc)
            add_application_error(form, exc)
        else:
            messages.success(request, "Offre enregistrée en brouillon.")
            return redirect("staff:offer-edit", offer_id=offer.pk)
    return _offer_form_page(request, form, None)


@staff_page(can_write)
def offer_edit(request: HttpRequest, offer_id) -> HttpResponse:
    offer = city_object_or_404(request, _visible_offers(request), pk=offer_id)
    # The form validates a copy: the service diffs the stored offer against the new values.
    form = OfferForm(
        request.POST or None,
        instance=Offer.objects.get(pk=offer.pk),
        kind=_kind_param(request),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(offer=offer, by=request.user, fields=form.service_fields())
        except ApplicationError as exc:
            _fail(request, exc)
            add_application_error(form, exc)
        else:
            messages.success(request, "Modifications enregistrées.")
            return redirect("staff:offer-edit", offer_id=offer.pk)
    entries = StaffAuditEntry.objects.filter(object_type="offer", object_id=str(offer.pk))[:20]
    history = [{"entry": e, "sentence": action_sentence(e)} for e in entries]
    return _offer_form_page(request, form, offer, history=history)


@staff_page(can_read)
def offer_preview(request: HttpRequest, offer_id) -> HttpResponse:
    offer = city_object_or_404(
        request, _visible_offers(request).select_related("structure"), pk=offer_id
    )
    hit = OfferHit(offer=offer, is_national=False)
    labels = theme_labels()
    return render(
        request,
        "catalogue/offer_detail.html",
        {
            "hit": hit,
            "offer": offer,
            "theme_names": [labels.get(t, t) for t in offer.themes],
            "apply": how_to_apply(hit),
            "preview": True,
        },
    )


@require_POST
@staff_page(can_write)
def offer_action(request: HttpRequest, offer_id) -> HttpResponse:
    offer = city_object_or_404(request, _visible_offers(request), pk=offer_id)
    try:
        services.offer_transition(
            offer=offer,
            by=request.user,
            action=request.POST.get("action"),
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"« {offer.title} » : {offer.get_status_display().lower()}.")
    return redirect_back(request, "staff:offers")


@require_POST
@staff_page(can_write)
def offer_bulk(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("ids")
    if not ids:
        messages.error(request, "Coche au moins une offre.")
        return redirect("staff:offers")
    try:
        done, skipped = services.offer_bulk_transition(
            ids=ids, by=request.user, action=request.POST.get("action", "")
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"{done} offre(s) traitée(s).")
        for line in skipped:
            messages.warning(request, line)
    return redirect("staff:offers")


@staff_page(can_read)
def structure_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses NUL
    structures = structures_visible_to(request.user, Structure.objects.all())
    if q:
        structures = structures.filter(name__icontains=q)
    rows = [(s, can_edit_structure(request.user, s)) for s in structures]
    return render(request, "staff/structure_list.html", _context(request, rows=rows, q=q))


@staff_page(can_edit_structures)
def structure_form(request: HttpRequest, structure_id=None) -> HttpResponse:
    """Editors create and edit structures; a partner keeps its own structures' pages current."""
    if structure_id is None and not can_publish(request.user):
        return render(request, "tenants/staff_forbidden.html", status=403)
    visible = structures_visible_to(request.user, Structure.objects.all())
    structure = city_object_or_404(request, visible, pk=structure_id) if structure_id else None
    instance = Structure.objects.get(pk=structure.pk) if structure else None
    form_class = StructureForm if can_publish(request.user) else PartnerStructureForm
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if structure is None:
                services.structure_create(by=request.user, fields=fields)
            else:
                services.structure_update(structure=structure, by=request.user, fields=fields)
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, "Structure enregistrée.")
            return redirect("staff:structures")
    return render(
        request,
        "staff/structure_form.html",
        _context(
            request,
            form=form,
            structure=structure,
            service_rows=_service_rows(structure) if structure else [],
            service_form=StructureServiceForm(),
            booklet_form=BookletForm(
                initial={
                    "access_info": structure.access_info,
                    "video_url": structure.video_url,
                    "video_text": structure.video_text,
                }
            )
            if structure
            else None,
            photo_form=PhotoForm(),
        ),
    )


def _service_rows(structure: Structure) -> list[tuple]:
    """(service, its label, a form holding its figures) for each service of `structure`."""
    labels = theme_labels()
    return [
        (
            service,
            labels.get(service.theme, service.theme),
            StructureServiceForm(
                initial={
                    "theme": service.theme,
                    "places_available": service.places_available,
                    "next_availability": service.next_availability,
                    "description": service.description,
                },
                auto_id=f"id_s{service.pk}_%s",
            ),
        )
        for service in structure.services.all()
    ]


@staff_page(can_read)
def national_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses NUL
    offers = NationalOffer.objects.filter(status="published").order_by("title")
    if q:
        offers = offers.filter(title__icontains=q)
    page = Paginator(offers, 30).get_page(request.GET.get("page"))
    settings_by_id = {
        s.national_offer_id: s
        for s in NationalOfferSetting.objects.filter(national_offer_id__in=[o.pk for o in page])
    }
    rows = [(offer, settings_by_id.get(offer.pk)) for offer in page]
    return render(request, "staff/national_list.html", _context(request, page=page, rows=rows, q=q))


@require_POST
@staff_page(can_publish)
def national_setting(request: HttpRequest, offer_id) -> HttpResponse:
    form = NationalSettingForm(request.POST)
    if form.is_valid():
        try:
            services.national_offer_setting_update(
                national_offer_id=offer_id, by=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, "Réglage enregistré pour ta ville.")
    return redirect_back(request, "staff:national")


@staff_page(can_publish)
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            import_start(
                by=request.user,
                importer=form.cleaned_data["importer"],
                filename=upload.name,
                data=upload.read(),
                publish=form.cleaned_data["publish"],
            )
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, "Import lancé : le rapport s'affiche ci-dessous.")
            return redirect("staff:imports")
    runs = ImportRun.objects.defer("payload")[:20]
    return render(request, "staff/imports.html", _context(request, form=form, runs=runs))


@staff_page(can_read)
def csv_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-offres-tremplin.csv"'
    return response


@staff_page(can_read)
def audit_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(StaffAuditEntry.objects.all(), 50).get_page(request.GET.get("page"))
    rows = [{"entry": e, "sentence": action_sentence(e), "fields": changed_fields(e)} for e in page]
    return render(request, "staff/audit_list.html", _context(request, page=page, rows=rows))


# Billing: the city admin only. Plan and state are read from shared_apps.billing; the invoices,
# the card and the plan change are Stripe's Billing Portal.


@staff_page(is_city_admin)
def billing(request: HttpRequest) -> HttpResponse:
    subscription = city_billing_summary(city=request.city)
    labels = {plan.key: plan.label for plan in plan_list()}
    plan = subscription.plan if subscription else ""
    return render(
        request,
        "staff/billing.html",
        _context(
            request,
            subscription=subscription,
            plan_label=labels.get(plan, plan),
            has_customer=bool(subscription and subscription.stripe_customer_id),
        ),
    )


@require_POST
@staff_page(is_city_admin)
def billing_portal(request: HttpRequest) -> HttpResponse:
    """Open a Stripe Billing Portal session and send the admin there (303); Stripe sends them
    back to the billing page. Allowed in a suspended city (tenants/middleware.py): paying is
    how a city suspended for non-payment gets back."""
    city = request.city
    back = build_url(city.primary_host, reverse("staff:billing"))
    try:
        url = portal_link_create(city=city, return_url=back)
    except ApplicationError as exc:  # nothing subscribed yet, not configured, Stripe refused…
        _fail(request, exc)
        return redirect("staff:billing")
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@require_POST
@staff_page(can_edit_structures)
def structure_services(request: HttpRequest, structure_id) -> HttpResponse:
    """Add, update or remove a service of a structure and its room (editors; a partner for
    its own structures)."""
    visible = structures_visible_to(request.user, Structure.objects.all())
    structure = city_object_or_404(request, visible, pk=structure_id)
    back = redirect("staff:structure-edit", structure_id=structure.pk)
    if request.POST.get("remove"):
        try:
            services.structure_service_remove(
                structure=structure, by=request.user, theme=request.POST["remove"]
            )
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, "Service retiré.")
        return back
    form = StructureServiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ce service n'a pas pu être enregistré : vérifie les champs.")
        return back
    try:
        services.structure_service_save(structure=structure, by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "Service et places enregistrés.")
    return back


@require_POST
@staff_page(can_edit_structures)
def structure_booklet(request: HttpRequest, structure_id) -> HttpResponse:
    """The welcome booklet of a structure: how to come, video, panorama, photos."""
    visible = structures_visible_to(request.user, Structure.objects.all())
    structure = city_object_or_404(request, visible, pk=structure_id)
    back = redirect(f"{reverse('staff:structure-edit', args=[structure.pk])}#livret")
    action = request.POST.get("action", "booklet")
    try:
        if action == "remove_photo":
            services.structure_photo_remove(
                structure=structure,
                by=request.user,
                photo_id=int(request.POST.get("photo", 0) or 0),
            )
        elif action == "add_photo":
            form = PhotoForm(request.POST, request.FILES)
            if not form.is_valid():
                messages.error(request, "Choisis une photo et dis ce qu'elle montre.")
                return back
            services.structure_photo_add(
                structure=structure,
                by=request.user,
                image=form.cleaned_data["image"],
                alt=form.cleaned_data["alt"],
            )
        else:
            form = BookletForm(request.POST, request.FILES)
            if not form.is_valid():
                messages.error(
                    request, "Le livret n'a pas pu être enregistré : vérifie les champs."
                )
                return back
            data = form.cleaned_data
            services.structure_booklet_update(
                structure=structure,
                by=request.user,
                fields={k: data[k] for k in ("access_info", "video_url", "video_text")},
                panorama=data["panorama"],
                remove_panorama=data["remove_panorama"],
            )
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "Demande illisible."))
    else:
        messages.success(request, "Livret d'accueil enregistré.")
    return back
