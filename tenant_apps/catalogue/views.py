"""Public catalogue pages on a city host (thin: the youth portal builds around them) and the
city's iCalendar feed of events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tenant_apps.interactions import record
from tenants.access import canonical_url
from tenants.pagecache import anonymous_cached
from tenants.pages import city_page

from .api import OfferFiltersSerializer
from .ical import events_to_ics
from .models import OfferKind
from .selectors import (
    OfferFilters,
    event_list_for_city,
    how_to_apply,
    offer_get_for_city,
    offer_list_for_city,
)
from .themes import theme_choices, theme_labels

# What the anonymous pages show comes from these generations (tenants.generations): the
# catalogue, the branding, and (places left at an event) the portal's registrations.
PAGE_GENERATIONS = ("catalogue", "branding", "portal")
# The list's filters worth caching (free text `q` is not: rarely asked twice).
LIST_PARAMS = ("kind", "theme", "free", "page")


@dataclass(frozen=True)
class OfferRef:
    """What analytics keeps of an offer viewed (tenant_apps.interactions), stored with a cached
    page so that serving it from the cache counts the view again."""

    pk: uuid.UUID
    kind: str
    themes: tuple[str, ...]


def _record_again(request: HttpRequest, event: dict) -> None:
    record(request, **event)


@city_page
@anonymous_cached(*PAGE_GENERATIONS, params=LIST_PARAMS, on_hit=_record_again)
def offer_list_page(request: HttpRequest) -> HttpResponse:
    """Search form and results; works without JavaScript (GET form)."""
    params = OfferFiltersSerializer(data=request.GET)
    errors = {}
    if params.is_valid():
        filters = params.to_filters()
    else:
        errors = params.errors
        filters = OfferFilters()
    results = offer_list_for_city(filters=filters, city=request.city)
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    event = None
    if (filters.q or filters.theme) and page.number == 1:
        event = dict(kind="search", query=filters.q, results=page.paginator.count,
                     themes=[filters.theme])  # fmt: skip
        record(request, **event)
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "catalogue/offer_list.html",
        {
            "page": page,
            "filters": filters,
            "errors": errors,
            "kinds": OfferKind.choices,
            "themes": theme_choices(),
            "theme_labels": theme_labels(),
            "query": query.urlencode(),
            "form": request.GET,
        },
    )
    response.page_event = event
    response.page_cacheable = not errors
    return response


@city_page
@anonymous_cached(*PAGE_GENERATIONS, on_hit=_record_again)
def offer_detail_page(request: HttpRequest, offer_id) -> HttpResponse:
    hit = offer_get_for_city(offer_id=offer_id, city=request.city)
    if hit is None:
        raise Http404
    labels = theme_labels()
    offer = hit.offer
    event = dict(kind="view", offer=OfferRef(offer.pk, offer.kind, tuple(offer.themes or ())))
    record(request, **event)
    response = render(
        request,
        "catalogue/offer_detail.html",
        {
            "hit": hit,
            "offer": hit.offer,
            "theme_names": [labels.get(t, t) for t in hit.offer.themes],
            "apply": how_to_apply(hit),
            "now": timezone.now(),
        },
    )
    response.page_event = event
    return response


@city_page
def agenda_ics(request: HttpRequest) -> HttpResponse:
    """The city's published events as an iCalendar feed (subscribe from any calendar app)."""
    city = request.city
    body = events_to_ics(
        hits=event_list_for_city(city=city),
        calendar_name=f"Agenda jeunesse - {city.name}",
        host=city.primary_host.split(":")[0],
        url_for=lambda hit: canonical_url(request, f"/offres/{hit.offer.pk}/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
