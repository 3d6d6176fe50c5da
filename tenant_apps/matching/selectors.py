"""Reads for advisors and bookings (current city schema)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.catalogue.selectors import OfferHit, offer_get_for_city

from .models import Advisor, AdvisorKind, Booking, NotificationSettings, RightClaim, Slot

LIVE = Q(bookings__canceled_at__isnull=True)


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


def slots_with_places(queryset: QuerySet[Slot]) -> QuerySet[Slot]:
    """Each slot with `booked` (live bookings) and `places_left`."""
    return queryset.annotate(booked=Count("bookings", filter=LIVE)).annotate(
        places_left=F("capacity") - F("booked")
    )


def slots_free(*, advisor: Advisor) -> QuerySet[Slot]:
    """Future, not canceled slots with a place left (a group slot until it is full)."""
    upcoming = advisor.slots.filter(starts_at__gt=timezone.now(), canceled_at__isnull=True)
    return slots_with_places(upcoming).filter(places_left__gt=0).order_by("starts_at")


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


# An advisor's agenda: only their own slots and bookings, whoever asks.


def advisor_agenda(*, advisor: Advisor, past_days: int = 30) -> QuerySet[Slot]:
    """The advisor's slots from `past_days` ago on, each with its live bookings
    (`live_bookings`, with the young person) and its places."""
    since = timezone.now() - timedelta(days=past_days)
    live = Booking.objects.filter(canceled_at__isnull=True).select_related("user").order_by("seat")
    return slots_with_places(
        advisor.slots.filter(starts_at__gte=since)
        .select_related("advisor")
        .prefetch_related(Prefetch("bookings", queryset=live, to_attr="live_bookings"))
    ).order_by("starts_at")


def advisor_bookings(*, advisor: Advisor, upcoming_only: bool = False) -> QuerySet[Booking]:
    """The bookings of this advisor's slots (never another advisor's), soonest first."""
    bookings = Booking.objects.filter(slot__advisor=advisor).select_related("slot__advisor", "user")
    if upcoming_only:
        bookings = bookings.filter(canceled_at__isnull=True, slot__starts_at__gt=timezone.now())
    return bookings.order_by("slot__starts_at", "seat", "pk")


# Notification preferences (a person without a row has the defaults).


def notification_prefs(*, user: User) -> dict[str, object]:
    """{"digest": "weekly" | "never", "email": bool, "push": bool}."""
    row = NotificationSettings.objects.filter(user=user).first()
    if row is None:
        row = NotificationSettings()
    return {
        "digest": "weekly" if row.weekly_digest else "never",
        "email": row.email_enabled,
        "push": row.push_enabled,
    }


def email_allowed(*, user: User) -> bool:
    """Does this person accept e-mails (reminders, cancellations, digest)? Yes by default."""
    refused = NotificationSettings.objects.filter(user=user, email_enabled=False).exists()
    return not refused


def my_bookings_of_slots(*, user, slot_ids) -> dict[int, int]:
    """The person's live bookings among these slots: slot id → booking id."""
    from .models import Booking

    if not getattr(user, "is_authenticated", False):
        return {}
    rows = Booking.objects.filter(user=user, slot_id__in=list(slot_ids), canceled_at__isnull=True)
    return dict(rows.values_list("slot_id", "pk"))
