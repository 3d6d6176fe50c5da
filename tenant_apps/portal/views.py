"""The youth portal's pages on a city host: home, agenda, structures, inspirations, account,
saves, registrations and inbox; plus the staff pages for registrations and inspirations.

Thin: parse, call one service or selector, render. Everything works without JavaScript.
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from kernel.clock import local_today
from kernel.errors import ApplicationError
from kernel.forms import add_application_error

from shared_apps.network.selectors import stories_from_elsewhere
from tenant_apps.catalogue.models import Offer, OfferKind, Structure
from tenant_apps.catalogue.permissions import can_publish, can_read, can_write, offers_visible_to
from tenant_apps.catalogue.selectors import services_search
from tenant_apps.matching.candidates import candidates_for_city
from tenant_apps.matching.feed import feed_for
from tenant_apps.matching.forms import NotificationSettingsForm
from tenant_apps.matching.models import InboxMessage
from tenant_apps.matching.profiles import SESSION_KEY, match_profile_for_request
from tenant_apps.matching.selectors import mentors_enabled, notification_prefs
from tenant_apps.youth.choices import Situation
from tenant_apps.youth.selectors import neighbourhood_list, profile_as_dict, profile_get
from tenants.pagecache import anonymous_cached
from tenants.pages import city_object_or_404, city_page, redirect_back, staff_page, youth_page

from . import selectors, services
from .forms import InspirationForm
from .models import Inspiration, InspirationStatus, RegistrationStatus

# Quick entries by need: each one a filtered search or « mes droits ».
QUICK_ENTRIES = (
    ("job", gettext_lazy("Trouver un job"), "/offres/?kind=emploi"),
    ("droits", gettext_lazy("Mes droits"), "/mes-droits/"),
    ("former", gettext_lazy("Me former"), "/offres/?kind=formation"),
    ("sortir", gettext_lazy("Sortir, sport, culture"), "/offres/?kind=evenement"),
    ("sante", gettext_lazy("Santé"), "/offres/?theme=sante"),
    ("logement", gettext_lazy("Logement"), "/offres/?theme=logement-hebergement"),
    ("mobilite", gettext_lazy("Mobilité et permis"), "/offres/?theme=mobilite"),
)
PROFILE_SIGNALS = ("birth_date", "situation", "neighbourhood", "interests", "freins", "looking_for")


def _knows_profile(request: HttpRequest) -> bool:
    """Did this person tell us anything (saved profile, or answers in this session)?"""
    if request.user.is_authenticated:
        profile = profile_get(user=request.user)
        if profile is None:
            return False
        answers = profile_as_dict(profile)
        return any(answers.get(name) for name in PROFILE_SIGNALS)
    return bool(request.session.get(SESSION_KEY))


@city_page
@anonymous_cached("catalogue", "branding", "portal", "features")  # features: the mentors link
def home(request: HttpRequest) -> HttpResponse:
    city = request.city
    for_you = []
    knows = _knows_profile(request)
    if knows:
        profile = match_profile_for_request(request, today=local_today(), city=city)
        for_you = feed_for(
            profile=profile, candidates=candidates_for_city(city), now=timezone.now(), limit=3
        )
    return render(
        request,
        "portal/home.html",
        {
            "entries": QUICK_ENTRIES,
            "knows_profile": knows,
            "for_you": for_you,
            "events": selectors.upcoming_events(limit=4),
            "inspiration": selectors.inspiration_list_published().first(),
            "situations": Situation.choices,
            "mentors": mentors_enabled(),
        },
    )


@city_page
@anonymous_cached("catalogue", "branding")
def agenda(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/agenda.html", {"days": selectors.events_by_day()})


@city_page
@anonymous_cached("catalogue", "branding", "neighbourhoods", params=("quartier",))
def structures(request: HttpRequest) -> HttpResponse:
    """Places to go, nearest to your quartier first (saved profile, or chosen here)."""
    neighbourhoods = list(neighbourhood_list())
    chosen = None
    code = request.GET.get("quartier", "")
    if code:
        chosen = next((n for n in neighbourhoods if n.code == code), None)
    elif request.user.is_authenticated:
        profile = profile_get(user=request.user)
        chosen = profile.neighbourhood if profile else None
    home_point = None
    if chosen is not None and chosen.latitude is not None:
        home_point = (chosen.latitude, chosen.longitude)
    service_query = request.GET.get("service", "").strip()[:100]
    return render(
        request,
        "portal/structures.html",
        {
            "rows": selectors.structures_near(home=home_point),
            "neighbourhoods": neighbourhoods,
            "chosen": chosen,
            "service_query": service_query,
            "service_hits": services_search(q=service_query, near=home_point)
            if service_query
            else [],
        },
    )


# Pannellum draws the panorama from a blob: URL of the fetched image and its controls from data:
# SVGs in its stylesheet: only the welcome booklet allows these two image sources.
PANORAMA_POLICY = {"img-src": ["blob:", "data:"]}


@city_page
@csp_update(PANORAMA_POLICY)
def structure_detail(request: HttpRequest, structure_id) -> HttpResponse:
    """A structure's welcome booklet: see the place before you go."""
    structure = city_object_or_404(
        request, Structure.objects.prefetch_related("photos", "services"), pk=structure_id
    )
    return render(
        request,
        "portal/structure_detail.html",
        {
            "structure": structure,
            "open_days": selectors.structure_open_days(structure=structure),
        },
    )


@city_page
def inspiration_list(request: HttpRequest) -> HttpResponse:
    """Stories « d'ici » (this city's) and « d'ailleurs » (shared by other cities)."""
    page = Paginator(selectors.inspiration_list_published(), 12).get_page(request.GET.get("page"))
    elsewhere = stories_from_elsewhere(city=request.city)[:12]
    return render(request, "portal/inspiration_list.html", {"page": page, "elsewhere": elsewhere})


@city_page
def network_story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = stories_from_elsewhere(city=request.city).filter(pk=pk).first()
    if story is None:
        raise Http404
    return render(
        request,
        "portal/network_story.html",
        {"story": story, "me_too": selectors.me_too_links(story.offers)},
    )


@city_page
def inspiration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspiration = selectors.inspiration_get_published(pk=pk)
    if inspiration is None:
        raise Http404
    return render(
        request,
        "portal/inspiration_detail.html",
        {
            "inspiration": inspiration,
            "offers": selectors.offers_of_story(inspiration.offer_ids),
        },
    )


@youth_page
def account(request: HttpRequest) -> HttpResponse:
    prefs = notification_prefs(user=request.user)
    return render(
        request,
        "portal/account.html",
        {
            "saves_count": len(selectors.saved_offer_ids(user=request.user)),
            "registrations_count": selectors.registrations_for(user=request.user).count(),
            "unread": InboxMessage.objects.filter(user=request.user, read_at__isnull=True).count(),
            # Posted to matching's page, which comes back here.
            "form": NotificationSettingsForm.for_prefs(prefs),
            "back": request.path,
        },
    )


@require_POST
@youth_page
def save_toggle(request: HttpRequest, offer_id) -> HttpResponse:
    try:
        if request.POST.get("action") == "remove":
            services.save_remove(user=request.user, offer_id=offer_id)
            messages.success(request, _("C'est retiré de tes favoris."))
        else:
            services.save_add(user=request.user, offer_id=offer_id)
            messages.success(request, _("C'est dans tes favoris."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect_back(request, "portal:saves")


@youth_page
def saves(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/saves.html", {"items": selectors.saves_for(user=request.user)})


@require_POST
@youth_page
def register(request: HttpRequest, offer_id) -> HttpResponse:
    try:
        if request.POST.get("action") == "cancel":
            services.registration_cancel(user=request.user, offer_id=offer_id)
            messages.success(
                request, _("Ton inscription est annulée. Merci d'avoir libéré ta place.")
            )
        else:
            registration = services.registration_create(user=request.user, offer_id=offer_id)
            if registration.status == RegistrationStatus.REGISTERED:
                messages.success(
                    request, _("C'est bon, tu es inscrit·e ! On te le rappelle la veille.")
                )
            else:
                messages.info(
                    request,
                    _(
                        "C'est complet : tu es sur la liste d'attente. "
                        "On te prévient si une place se libère."
                    ),
                )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect_back(request, "portal:registrations")


@youth_page
def registrations(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming, past = [], []
    for r in selectors.registrations_for(user=request.user):
        end = r.offer.ends_at or r.offer.starts_at or now
        (upcoming if end >= now else past).append((r, selectors.waitlist_rank(r)))
    return render(
        request,
        "portal/registrations.html",
        {"upcoming": upcoming, "past": past},
    )


@require_POST
@youth_page
def event_feedback(request: HttpRequest, offer_id) -> HttpResponse:
    """« Ton avis » on a past event: a note from 1 to 5 and one word."""
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        rating = 0
    try:
        services.event_feedback_give(
            user=request.user, offer_id=offer_id, rating=rating, word=request.POST.get("word", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Merci pour ton avis !")
    return redirect("portal:registrations")


@youth_page
def inbox(request: HttpRequest) -> HttpResponse:
    items = list(InboxMessage.objects.filter(user=request.user)[:50])
    unread = [m.pk for m in items if m.read_at is None]
    response = render(request, "portal/inbox.html", {"items": items, "unread": set(unread)})
    if unread:
        InboxMessage.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return response


# Staff pages (same role rules as the back-office: tenant_apps.catalogue.permissions).


def _staff_context(request: HttpRequest, **extra) -> dict:
    return {"can_write": can_write(request.user), "can_publish": can_publish(request.user), **extra}


def _events_of(request: HttpRequest):
    """The events this person may follow: every one for the city's team, a partner's own."""
    return offers_visible_to(request.user, Offer.objects.filter(kind=OfferKind.EVENEMENT))


@staff_page(can_read)
def staff_registrations(request: HttpRequest) -> HttpResponse:
    events = selectors.events_with_counts().filter(pk__in=_events_of(request).values("pk"))
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    return render(request, "portal/staff_registrations.html", _staff_context(request, page=page))


@staff_page(can_read)
def staff_event_registrations(request: HttpRequest, offer_id) -> HttpResponse:
    """Who registered. Least privilege: elected officials (viewers) see the counts only;
    partners see pseudonyms, never e-mails; admins and editors see both."""
    offer = city_object_or_404(request, _events_of(request), pk=offer_id)
    rows = list(selectors.event_registrations(offer=offer))
    groups = {value: [r for r in rows if r.status == value] for value in RegistrationStatus.values}
    started = offer.starts_at is None or offer.starts_at <= timezone.now()
    return render(
        request,
        "portal/staff_event_registrations.html",
        _staff_context(
            request,
            offer=offer,
            registered=groups["registered"],
            attended_count=sum(1 for r in groups["registered"] if r.attended_at),
            can_mark=started and can_write(request.user),
            started=started,
            waitlisted=groups["waitlisted"],
            cancelled_count=len(groups["cancelled"]),
            places_left=selectors.places_left(offer),
            show_people=can_write(request.user),
            show_emails=can_publish(request.user),
            feedback=selectors.event_feedback(offer=offer) if started else None,
        ),
    )


@require_POST
@staff_page(can_write)
def staff_event_attendance(request: HttpRequest, offer_id) -> HttpResponse:
    """The « Présent·e » checkboxes: the ticked registered people are present, the others not."""
    offer = city_object_or_404(request, _events_of(request), pk=offer_id)
    ids = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
    try:
        changed = services.event_attendance_set(offer=offer, by=request.user, attended_ids=ids)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Les présences sont enregistrées.") if changed else _("Rien n'a changé."),
        )
    return redirect("portal:staff-event-registrations", offer_id=offer.pk)


@staff_page(can_read)
def staff_inspirations(request: HttpRequest) -> HttpResponse:
    items = selectors.staff_inspirations_list()
    return render(request, "portal/staff_inspirations.html", _staff_context(request, items=items))


@staff_page(can_write)
def staff_inspiration_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    inspiration = city_object_or_404(request, Inspiration, pk=pk) if pk else None
    form = InspirationForm(request.POST or None, instance=inspiration)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.INSPIRATION_FIELDS}
        try:
            if inspiration is None:
                inspiration = services.inspiration_create(by=request.user, **data)
            else:
                services.inspiration_update(by=request.user, inspiration=inspiration, **data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("L'histoire est enregistrée."))
            return redirect("portal:staff-inspirations")
    return render(
        request,
        "portal/staff_inspiration_form.html",
        _staff_context(request, form=form, inspiration=inspiration),
    )


@require_POST
@staff_page(can_write)
def staff_inspiration_action(request: HttpRequest, pk: int) -> HttpResponse:
    inspiration = city_object_or_404(request, Inspiration, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "delete":
            services.inspiration_delete(by=request.user, inspiration=inspiration)
            messages.success(request, _("L'histoire est supprimée."))
        elif action in ("consent", "consent_withdrawn"):
            services.inspiration_consent_record(
                by=request.user, inspiration=inspiration, given=action == "consent"
            )
            messages.success(request, _("C'est noté."))
        elif action in ("share", "withdraw"):
            services.inspiration_share(
                by=request.user, inspiration=inspiration, share=action == "share"
            )
            messages.success(
                request,
                _("L'histoire est partagée avec le réseau des villes.")
                if action == "share"
                else _("L'histoire est retirée du réseau, partout."),
            )
        else:
            services.inspiration_publish(
                by=request.user, inspiration=inspiration, publish=action == "publish"
            )
            messages.success(
                request,
                _("L'histoire est publiée.")
                if inspiration.status == InspirationStatus.PUBLISHED
                else _("L'histoire est retirée du site."),
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("portal:staff-inspirations")
