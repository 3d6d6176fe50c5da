"""Pages « Mes droits » and « Pour toi », for signed-in and anonymous young people alike."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from kernel.clock import local_today

from tenant_apps.analytics.recording import record
from tenant_apps.catalogue.selectors import offer_get_for_city
from tenant_apps.youth.choices import Situation
from tenants.pages import city_page, signed_in_page

from . import services
from .candidates import candidates_for_city
from .feed import feed_for
from .models import RightClaim
from .profiles import SESSION_KEY, match_profile_for_request
from .rights import rights_for
from .rights_api import ProfileInputSerializer

# The few answers that settle most aids, asked on the page to anonymous visitors.
QUICK_FIELDS = ("birth_date", "situation", "boursier")


@city_page
def rights_view(request: HttpRequest) -> HttpResponse:
    city = request.city
    errors = {}
    if request.method == "POST" and not request.user.is_authenticated:
        raw = {k: v for k, v in request.POST.items() if k in QUICK_FIELDS and v != ""}
        if "boursier" in raw:
            raw["boursier"] = raw["boursier"] == "oui"
        form = ProfileInputSerializer(data=raw)
        if form.is_valid():
            answers = {**request.session.get(SESSION_KEY, {}), **form.validated_data}
            if answers.get("birth_date"):
                answers["birth_date"] = answers["birth_date"].isoformat()
            request.session[SESSION_KEY] = answers
            return redirect("matching:rights")
        errors = {field: msgs[0] for field, msgs in form.errors.items()}
    profile = match_profile_for_request(request, today=local_today(), city=city)
    rights = rights_for(profile=profile, candidates=candidates_for_city(city))
    claimed = set()
    if request.user.is_authenticated:
        claimed = set(
            RightClaim.objects.filter(user=request.user).values_list("offer_id", flat=True)
        )
    unclaimed = [c for c in rights.eligible if c.id not in claimed]
    record(request, "right_shown", offers=[c.id for c in rights.eligible])
    return render(
        request,
        "matching/rights.html",
        {
            "rights": rights,
            "claimed": claimed,
            "unclaimed_count": len(unclaimed),
            "questions": rights.next_questions(),
            "answers": request.session.get(SESSION_KEY, {}),
            "situations": Situation.choices,
            "errors": errors,
        },
    )


@signed_in_page
@require_POST
def right_claim_view(request: HttpRequest, offer_id: str) -> HttpResponse:
    hit = offer_get_for_city(offer_id=offer_id, city=request.city)
    if hit is None or hit.offer.kind != "aide":
        raise Http404
    if request.POST.get("undo"):
        services.right_unclaim(user=request.user, offer_id=hit.offer.pk)
    else:
        services.right_claim(user=request.user, offer_id=hit.offer.pk)
        record(request, "claim", offer=hit.offer)
    return redirect("matching:rights")


@city_page
def feed_view(request: HttpRequest) -> HttpResponse:
    city = request.city
    profile = match_profile_for_request(request, today=local_today(), city=city)
    items = feed_for(profile=profile, candidates=candidates_for_city(city), now=timezone.now())
    return render(request, "matching/feed.html", {"items": items})
