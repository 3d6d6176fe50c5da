"""Reads for advisors and bookings (current city schema)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.catalogue.selectors import OfferHit, offer_get_for_city

from .models import Advisor, AdvisorKind, Booking, RightClaim, Slot


def mentors_enabled() -> bool:
    """Mentors ("adopte un pro") show only where the city's `mentors` feature is on."""
    from django.db import connection

    from tenants.features import feature_enabled

    return feature_enabled(connection.tenant, "mentors")


def advisor_list(
    *,
    kind: str | None = None,
    topic: str | None = None,
    format: str | None = None,  # noqa: A002
) -> QuerySet[Advisor]:
    advisors = Advisor.objects.filter(is_active=True)
    if not mentors_enabled():
        advisors = advisors.exclude(kind=AdvisorKind.MENTOR)
    if kind:
        advisors = advisors.filter(kind=kind)
    if topic:
        advisors = advisors.filter(topics__contains=[topic])
    if format:
        advisors = advisors.filter(formats__contains=[format])
    return advisors


def advisor_suggestions(
    *, interests: Iterable[str], freins: Iterable[str], limit: int = 3
) -> list[Advisor]:
    """Advisors whose topics or freins meet the young person's, best overlap first."""
    interests, freins = set(interests), set(freins)
    scored = []
    for advisor in advisor_list():
        score = 2 * len(freins & set(advisor.freins)) + len(interests & set(advisor.topics))
        if score:
            scored.append((-score, advisor.display_name, advisor))
    return [advisor for *_key, advisor in sorted(scored, key=lambda row: row[:2])][:limit]


def slots_free(*, advisor: Advisor) -> QuerySet[Slot]:
    """Future slots nobody holds."""
    taken = Booking.objects.filter(slot=OuterRef("pk"), canceled_at__isnull=True)
    return advisor.slots.filter(starts_at__gt=timezone.now()).exclude(Exists(taken))


def bookings_for(*, user: User, upcoming_only: bool = False) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(user=user).select_related("slot__advisor")
    if upcoming_only:
        bookings = bookings.filter(Q(canceled_at__isnull=True), slot__starts_at__gt=timezone.now())
    return bookings


def booking_aid(*, offer_id: object) -> OfferHit | None:
    """The aid a young person wants help with (« Je me fais aider »), if it is an aid visible
    in this city (local, or national covering it and not hidden); None for anything else."""
    if not offer_id:
        return None
    hit = offer_get_for_city(offer_id=str(offer_id))
    if hit is None or hit.offer.kind != "aide":
        return None
    return hit


def right_claimed(*, user: User, offer_id) -> bool:
    """This person said they asked for this aid (« J'ai fait ma demande »)."""
    return RightClaim.objects.filter(user=user, offer_id=offer_id).exists()
