"""Operator console pages (platform host only, operators only). Thin: forms in, services out."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from kernel.errors import ApplicationError

from shared_apps.billing import selectors as billing_selectors
from shared_apps.billing import services as billing_services
from shared_apps.geo.communes import commune_get, commune_search, epci_communes, epci_name
from tenants import domains as domain_services
from tenants import features, lifecycle
from tenants.access import canonical_url, current_city
from tenants.models import AuditEntry, City, CityStatus
from tenants.selectors import city_get_by_slug
from tenants.services import audit, city_onboard
from tenants.tasks import provision_city
from tenants.usage import city_usage, city_usage_many
from tenants.validation import slug_suggest

from .billing import billing_summary, checkout_url
from .forms import (
    CheckoutForm,
    CityCreateForm,
    CommuneSearchForm,
    DomainForm,
    DropForm,
    PlanForm,
    SuspendForm,
)


def operator_required(view: Callable) -> Callable:
    """Console pages exist on the platform host only; anonymous → sign-in; others → 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if current_city(request) is not None:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_operator:
            return render(request, "console/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _city(slug: str) -> City:
    try:
        return city_get_by_slug(slug=slug)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc


def _act(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a service; report its French message on failure."""
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


@operator_required
def city_list(request: HttpRequest) -> HttpResponse:
    cities = list(City.objects.prefetch_related("domains").order_by("name"))
    usage = city_usage_many(cities=cities)
    rows = [
        {"city": city, "usage": usage[city.pk], "billing": billing_summary(city)} for city in cities
    ]
    return render(request, "console/city_list.html", {"rows": rows})


@operator_required
def city_detail(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    billing = billing_summary(city)
    context = {
        "c": city,
        "usage": city_usage(city=city),
        "billing": billing,
        "checkout_form": CheckoutForm(initial={"plan": billing.plan_key}),
        "plan_form": PlanForm(initial={"plan": billing.plan_key}),
        "payment": {"ok": "done", "annule": "canceled"}.get(request.GET.get("paiement", "")),
        "features": _feature_rows(city) if city.is_serving else [],
        "plan": billing_selectors.city_plan_features(city=city),
        "domains": _domain_rows(city),
        "audit": AuditEntry.objects.filter(city=city)[:20],
        "suspend_form": SuspendForm(),
        "domain_form": DomainForm(),
        "drop_form": DropForm(),
        "droppable": city.status in lifecycle.DROPPABLE,
    }
    return render(request, "console/city_detail.html", context)


@operator_required
@require_POST
def city_checkout(request: HttpRequest, slug: str) -> HttpResponse:
    """Open a Stripe Checkout Session for the city and send the operator there (303)."""
    city = _city(slug)
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["plan"][0])
        return redirect("console:city-detail", slug=slug)
    # Stripe sends the operator back to the platform's canonical host, never the Host header's.
    back = canonical_url(request, reverse("console:city-detail", args=[slug]))
    try:
        url = checkout_url(
            city=city, plan=form.cleaned_data["plan"], by=request.user.email, back_url=back
        )
    except ApplicationError as exc:  # not configured, already subscribed, Stripe refused…
        messages.error(request, exc.message)
        return redirect("console:city-detail", slug=slug)
    response = HttpResponseRedirect(url)
    response.status_code = 303  # a POST answered by "go GET Stripe's page"
    return response


@operator_required
@require_POST
def city_suspend(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indique le motif de la suspension.")
    else:
        _act(
            request,
            lambda: lifecycle.city_suspend(
                city=city, by=request.user.email, reason=form.cleaned_data["reason"]
            ),
            f"{city.name} est suspendue : le portail affiche une page de maintenance.",
        )
    return redirect("console:city-detail", slug=slug)


@operator_required
@require_POST
def city_reactivate(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    _act(
        request,
        lambda: lifecycle.city_reactivate(city=city, by=request.user.email),
        f"{city.name} est de nouveau active.",
    )
    return redirect("console:city-detail", slug=slug)


def export_path_for(city: City):
    directory = Path(
        getattr(settings, "TREMPLIN_EXPORT_DIR", None) or settings.BASE_DIR / "var" / "exports"
    )
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{city.slug}-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"


@operator_required
@require_POST
def city_archive(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    path = export_path_for(city)
    _act(
        request,
        lambda: lifecycle.city_archive(city=city, by=request.user.email, export_path=path),
        f"{city.name} est archivée ; export : {path}",
    )
    return redirect("console:city-detail", slug=slug)


@operator_required
@require_POST
def city_drop(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    form = DropForm(request.POST)
    confirm = form.data.get("confirm_slug", "")
    if _act(
        request,
        lambda: lifecycle.city_drop(city=city, by=request.user.email, confirm_slug=confirm),
        f"{city.name} a été supprimée définitivement.",
    ):
        return redirect("console:city-list")
    return redirect("console:city-detail", slug=slug)


@operator_required
@require_POST
def domain_add(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    form = DomainForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indique un nom de domaine.")
    else:
        host = form.cleaned_data["domain"]
        _act(
            request,
            lambda: domain_services.domain_add(
                city=city, host=host, by=request.user.email, primary=form.cleaned_data["primary"]
            ),
            f"Domaine {host} ajouté.",
        )
    return redirect("console:city-detail", slug=slug)


def _domain_rows(city: City) -> list[dict]:
    """Each domain, whether it is verified and, if not, the DNS record the city must create."""
    rows = []
    for domain in city.domains.all():
        verified = domain_services.is_verified(city, domain)
        challenge = (
            None
            if verified
            else domain_services.domain_challenge_for(city=city, host=domain.domain)
        )
        rows.append({"d": domain, "verified": verified, "challenge": challenge})
    return rows


@operator_required
@require_POST
def domain_verify(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    host = request.POST.get("domain", "")
    _act(
        request,
        lambda: domain_services.domain_verify(city=city, host=host, by=request.user.email),
        f"{host} est vérifié : il peut devenir le domaine principal et recevoir son certificat.",
    )
    return redirect("console:city-detail", slug=slug)


@operator_required
@require_POST
def domain_primary(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    host = request.POST.get("domain", "")
    _act(
        request,
        lambda: domain_services.domain_make_primary(city=city, host=host, by=request.user.email),
        f"{host} est maintenant le domaine principal.",
    )
    return redirect("console:city-detail", slug=slug)


@operator_required
@require_POST
def domain_remove(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    host = request.POST.get("domain", "")
    _act(
        request,
        lambda: domain_services.domain_remove(city=city, host=host, by=request.user.email),
        f"Domaine {host} retiré.",
    )
    return redirect("console:city-detail", slug=slug)


def _feature_rows(city: City) -> list[dict]:
    """Each feature: both sides, whether the plan includes it, and a pending withdrawal."""
    plan = billing_selectors.city_plan_features(city=city)
    return [
        {
            "s": state,
            "in_plan": plan.includes(state.feature.key),
            "withdrawing": state.feature.key in plan.withdrawing,
        }
        for state in features.feature_states(city=city)
    ]


@operator_required
def plans(request: HttpRequest) -> HttpResponse:
    """The plan catalogue: which features each plan allows."""
    catalogue, rows = billing_selectors.plan_feature_table()
    return render(request, "console/plans.html", {"plans": catalogue, "rows": rows})


@operator_required
@require_POST
def city_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """Record the city's plan (no subscription running): its features follow at once."""
    city = _city(slug)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["plan"][0])
    elif billing_summary(city).subscribed:
        messages.error(
            request,
            "Abonnement en cours : la formule se change dans le portail de facturation de la "
            "ville (Stripe), qui prévient Tremplin.",
        )
    else:
        _act(
            request,
            lambda: billing_services.city_plan_set(
                city=city, plan=form.cleaned_data["plan"], by=request.user.email
            ),
            "Formule enregistrée : les fonctionnalités suivent.",
        )
    return redirect("console:city-detail", slug=slug)


@operator_required
@require_POST
def feature_follow_plan(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    key = request.POST.get("key", "")
    label = features.FEATURES[key].label if key in features.FEATURES else key
    _act(
        request,
        lambda: billing_services.city_feature_follow_plan(
            city=city, key=key, by=request.user.email
        ),
        f"« {label} » suit de nouveau la formule de {city.name}.",
    )
    return redirect("console:city-detail", slug=slug)


@operator_required
@require_POST
def feature_allow(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    key = request.POST.get("key", "")
    allowed = request.POST.get("allowed") == "1"
    label = features.FEATURES[key].label if key in features.FEATURES else key
    _act(
        request,
        lambda: features.feature_allow(city=city, key=key, allowed=allowed, by=request.user.email),
        f"« {label} » {'autorisée' if allowed else 'retirée'} pour {city.name}.",
    )
    return redirect("console:city-detail", slug=slug)


@operator_required
def onboarding(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET ?q=): find the commune. Step 2 (GET ?insee= or ?epci=): pre-filled form
    for that commune or that whole EPCI. POST: create."""
    if request.method == "POST":
        return _onboarding_submit(request)
    taken = frozenset(City.objects.values_list("slug", flat=True))
    commune = commune_get(request.GET.get("insee", "").strip().upper())
    if commune is not None:
        form = CityCreateForm(
            initial={
                "insee": commune.insee,
                "name": commune.name,
                "slug": slug_suggest(commune.name, departement=commune.departement, taken=taken),
            }
        )
        return _onboarding_form(request, form, commune=commune)
    epci = request.GET.get("epci", "").strip()
    if epci_communes(epci):
        name = epci_name(epci)
        form = CityCreateForm(
            initial={"epci": epci, "name": name, "slug": slug_suggest(name, taken=taken)}
        )
        return _onboarding_form(request, form, epci=epci)
    search = CommuneSearchForm(request.GET or None)
    results = epcis = None
    if search.is_valid():
        results = commune_search(search.cleaned_data["q"], limit=20)
        seen: dict[str, str] = {}
        for found in results:
            if found.epci and found.epci not in seen:
                seen[found.epci] = found.epci_name
        epcis = [
            {"code": code, "name": name, "count": len(epci_communes(code) or [])}
            for code, name in seen.items()
        ]
    context = {"search": search, "results": results, "epcis": epcis}
    return render(request, "console/onboarding_search.html", context)


HIDDEN = ("insee", "epci")  # the territory's fields: their errors are shown above the form


def _onboarding_form(
    request: HttpRequest,
    form: CityCreateForm,
    *,
    commune=None,
    epci: str = "",
    covered: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    members = [commune_get(code) for code in epci_communes(epci) or []] if epci else []
    context = {
        "form": form,
        "commune": commune,
        "epci": epci,
        "epci_name": epci_name(epci) if epci else "",
        "members": [m for m in members if m is not None],
        "covered": covered,
    }
    return render(request, "console/onboarding_form.html", context, status=status)


def _onboarding_submit(request: HttpRequest) -> HttpResponse:
    form = CityCreateForm(request.POST)
    commune = commune_get(form.data.get("insee", "").strip().upper())
    epci = form.data.get("epci", "").strip()
    if commune is None and not epci_communes(epci):
        messages.error(request, "Commune introuvable : recommence la recherche.")
        return redirect("console:onboarding")
    if commune is not None:
        epci = ""
    covered = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            city = city_onboard(
                name=data["name"],
                slug=data["slug"],
                **form.territory(),
                move_communes=data["move_communes"],
                admin_email=data["admin_email"],
                primary_color=data["primary_color"] or None,
                plan=data["plan"],
                by=request.user.email,
                via="console",
                background=True,
            ).city
        except ApplicationError as exc:
            if exc.code == "commune_covered":
                # The tenant that covers it, with a link: the operator decides (move or not).
                covered = {
                    "slug": exc.fields["existing_slug"][0],
                    "name": exc.fields["existing_name"][0],
                    "url": exc.fields["existing_url"][0],
                }
                form.add_error(None, exc.message)
            else:
                for field, errors in exc.fields.items():
                    field = "other_communes" if field == "communes" else field
                    target = field if field in form.fields and field not in HIDDEN else None
                    for error in errors:
                        form.add_error(target, error)
                if not any(exc.message in errors for errors in exc.fields.values()):
                    form.add_error(None, exc.message)
        else:
            return redirect("console:city-progress", slug=city.slug)
    return _onboarding_form(request, form, commune=commune, epci=epci, covered=covered, status=400)


@operator_required
def city_progress(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    if request.method == "POST" and city.status in (CityStatus.FAILED, CityStatus.PROVISIONING):
        transaction.on_commit(lambda: provision_city.delay(city.pk))
        audit(actor=request.user.email, action="console.provisioning_retried", city=city)
        messages.info(request, "Création relancée.")
        return redirect("console:city-progress", slug=slug)
    done = city.status != CityStatus.PROVISIONING
    return render(request, "console/city_progress.html", {"c": city, "done": done})


@operator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("city")
    city_slug = request.GET.get("ville", "").strip()
    if city_slug:
        entries = entries.filter(city__slug=city_slug)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "console/audit_log.html", {"page": page, "city_slug": city_slug})
