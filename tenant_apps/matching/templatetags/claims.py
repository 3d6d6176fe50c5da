"""`{% aid_claim hit %}`: « J'ai fait ma demande » under an aid (catalogue detail page).

A tag, so the catalogue page shows a young person's claim without the catalogue importing
matching (the claim is matching's, the page is the catalogue's)."""

from __future__ import annotations

from django import template

from shared_apps.accounts.models import Role

from .. import selectors

register = template.Library()


@register.inclusion_tag("matching/_aid_claim.html", takes_context=True)
def aid_claim(context, hit) -> dict:
    request = context["request"]
    user = request.user
    is_youth = user.is_authenticated and user.role == Role.YOUTH
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "offer": hit.offer,
        "is_youth": is_youth,
        "claimed": is_youth and selectors.right_claimed(user=user, offer_id=hit.offer.pk),
    }
