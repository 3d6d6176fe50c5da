"""`{% offer_actions hit %}`: save and register buttons under an offer (catalogue detail page)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from shared_apps.accounts.models import Role
from tenant_apps.catalogue.models import OfferKind

from .. import selectors

register = template.Library()


@register.inclusion_tag("portal/_offer_actions.html", takes_context=True)
def offer_actions(context, hit) -> dict:
    request = context["request"]
    user = request.user
    offer = hit.offer
    end = offer.ends_at or offer.starts_at
    can_register = (
        not hit.is_national
        and offer.kind == OfferKind.EVENEMENT
        and (end is None or end >= timezone.now())
    )
    is_youth = user.is_authenticated and user.role == Role.YOUTH
    registration = selectors.registration_for(user=user, offer_id=offer.pk) if is_youth else None
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "offer": offer,
        "is_youth": is_youth,
        "saved": is_youth and offer.pk in selectors.saved_offer_ids(user=user),
        "can_register": can_register,
        "registration": registration,
        "rank": selectors.waitlist_rank(registration) if registration else None,
        "places_left": selectors.places_left(offer) if can_register else None,
    }
