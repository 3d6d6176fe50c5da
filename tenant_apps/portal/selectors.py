"""Reads of the youth portal (current city schema)."""

from __future__ import annotations

import uuid
from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from kernel.clock import local_today
from kernel.geo import fast_distance_km

from shared_apps.accounts.models import User
from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.models import AbstractOffer, Offer, OfferKind, OfferStatus, Structure

from .models import Inspiration, InspirationStatus, Registration, RegistrationStatus, Save

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


def upcoming_events(*, limit: int | None = None, days: int = 60) -> list[Offer]:
    """Published local events that have not ended, soonest first."""
    now = timezone.now()
    qs = (
        Offer.objects.filter(status=OfferStatus.PUBLISHED, kind=OfferKind.EVENEMENT)
        .exclude(publish_from__gt=now)
        .exclude(publish_until__lte=now)
        .filter(starts_at__isnull=False, starts_at__lt=now + timedelta(days=days))
        .filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))
        .defer("body", "search_document", "search_vector", "eligibility")
        .order_by("starts_at", "title")
    )
    return list(qs[:limit] if limit else qs)


def events_by_day(*, days: int = 60) -> OrderedDict[date, list[Offer]]:
    grouped: OrderedDict[date, list[Offer]] = OrderedDict()
    today = local_today()
    for offer in upcoming_events(days=days):
        day = max(timezone.localdate(offer.starts_at), today)
        grouped.setdefault(day, []).append(offer)
    return grouped


@dataclass
class NearbyStructure:
    structure: Structure
    distance_km: float | None


def structures_near(*, home: tuple[float, float] | None) -> list[NearbyStructure]:
    """The city's structures, nearest to `home` first (those without coordinates last)."""
    rows = [
        NearbyStructure(
            s,
            fast_distance_km(home, (s.latitude, s.longitude))
            if home and s.latitude is not None and s.longitude is not None
            else None,
        )
        for s in Structure.objects.prefetch_related("services").order_by("name")
    ]
    if home:
        rows.sort(key=lambda r: (r.distance_km is None, r.distance_km or 0, r.structure.name))
    return rows


def inspiration_list_published() -> QuerySet[Inspiration]:
    return Inspiration.objects.filter(status=InspirationStatus.PUBLISHED)


def inspiration_get_published(*, pk: int) -> Inspiration | None:
    return inspiration_list_published().filter(pk=pk).first()


def saved_offer_ids(*, user: User) -> set[uuid.UUID]:
    if not user.is_authenticated:
        return set()
    return set(Save.objects.filter(user=user).values_list("offer_id", flat=True))


@dataclass
class SavedOffer:
    save: Save
    offer: AbstractOffer | None  # None: the offer was withdrawn since


def saves_for(*, user: User) -> list[SavedOffer]:
    saves = list(Save.objects.filter(user=user))
    local = Offer.objects.filter(status=OfferStatus.PUBLISHED).in_bulk(
        [s.offer_id for s in saves if not s.is_national]
    )
    national = NationalOffer.objects.filter(status=OfferStatus.PUBLISHED).in_bulk(
        [s.offer_id for s in saves if s.is_national]
    )
    return [SavedOffer(s, (national if s.is_national else local).get(s.offer_id)) for s in saves]


def registration_for(*, user: User, offer_id) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(user=user, offer_id=offer_id).first()


def waitlist_rank(registration: Registration) -> int | None:
    """1 for the first person in line."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return Registration.objects.filter(
        offer_id=registration.offer_id,
        status=RegistrationStatus.WAITLISTED,
        position__lte=registration.position,
    ).count()


def registrations_for(*, user: User, include_cancelled: bool = False) -> QuerySet[Registration]:
    qs = Registration.objects.filter(user=user).select_related("offer")
    if not include_cancelled:
        qs = qs.filter(status__in=ACTIVE)
    return qs.order_by("offer__starts_at", "pk")


def places_left(offer: Offer) -> int | None:
    if offer.capacity is None:
        return None
    taken = Registration.objects.filter(offer=offer, status=RegistrationStatus.REGISTERED).count()
    return max(offer.capacity - taken, 0)


def events_with_counts() -> QuerySet[Offer]:
    """Staff: the city's events with registration counts: upcoming (or under way) soonest
    first, then past ones, latest first."""
    from django.db.models import BooleanField, Case, F, When
    from django.db.models.functions import Coalesce

    now = timezone.now()
    past = Case(
        When(Q(starts_at__isnull=False) & Q(end__lt=now), then=True),
        default=False,
        output_field=BooleanField(),
    )
    return (
        Offer.objects.filter(kind=OfferKind.EVENEMENT)
        .alias(end=Coalesce("ends_at", "starts_at"))
        .alias(is_past=past)
        .alias(
            upcoming_at=Case(When(is_past=False, then=F("starts_at"))),
            past_at=Case(When(is_past=True, then=F("starts_at"))),
        )
        .order_by(
            "is_past",
            F("upcoming_at").asc(nulls_last=True),
            F("past_at").desc(nulls_last=True),
            "title",
        )
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status="registered")),
            waitlisted=Count("registrations", filter=Q(registrations__status="waitlisted")),
            cancelled=Count("registrations", filter=Q(registrations__status="cancelled")),
            attended=Count(
                "registrations",
                filter=Q(
                    registrations__status="registered", registrations__attended_at__isnull=False
                ),
            ),
        )
        .defer("body", "search_document", "search_vector", "eligibility")
    )


def event_registrations(*, offer: Offer) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(offer=offer)
        .select_related("user")
        .only(
            "status",
            "position",
            "created_at",
            "attended_at",
            "offer_id",
            "user__email",
            "user__display_name",
        )
        .order_by("position")
    )


FEEDBACK_THRESHOLD = 10


def event_feedback(*, offer: Offer) -> dict:
    """What the people who came said: {"count", "mean", "words"}; under 10 ratings only the
    count is shown as "<10" (one rating would say who gave it)."""
    rows = list(
        Registration.objects.filter(offer=offer, rating__isnull=False).values_list(
            "rating", "feedback_word"
        )
    )
    if len(rows) < FEEDBACK_THRESHOLD:
        return {"count": "<10" if rows else 0, "mean": None, "words": []}
    words = Counter(w.lower() for _, w in rows if w)
    return {
        "count": len(rows),
        "mean": round(sum(r for r, _ in rows) / len(rows), 1),
        "words": [w for w, _ in words.most_common(20)],
    }


def event_ratings_between(date_from: date, date_to: date) -> list[dict]:
    """The city's events that started in the period and have at least 10 ratings, best rated
    first: [{"offer", "title", "starts_at", "count", "mean", "words"}] (the diagnostic's)."""
    rows = list(
        Registration.objects.filter(
            rating__isnull=False, offer__starts_at__date__range=(date_from, date_to)
        ).values_list("offer_id", "offer__title", "offer__starts_at", "rating", "feedback_word")
    )
    by_offer: dict = {}
    for offer_id, title, starts_at, rating, word in rows:
        by_offer.setdefault(offer_id, (title, starts_at, []))[2].append((rating, word))
    result = []
    for offer_id, (title, starts_at, ratings) in by_offer.items():
        if len(ratings) < FEEDBACK_THRESHOLD:
            continue
        words = Counter(w.lower() for _, w in ratings if w)
        result.append(
            {
                "offer": str(offer_id),
                "title": title,
                "starts_at": starts_at.isoformat() if starts_at else None,
                "count": len(ratings),
                "mean": round(sum(r for r, _ in ratings) / len(ratings), 1),
                "words": [w for w, _ in words.most_common(5)],
            }
        )
    result.sort(key=lambda item: (-item["mean"], -item["count"], item["title"]))
    return result


def offers_of_story(offer_ids: list) -> list:
    """The offers a story of this city links to, that are still visible here."""
    from tenant_apps.catalogue.selectors import offer_get_for_city

    hits = [offer_get_for_city(offer_id=i) for i in offer_ids or []]
    return [hit.offer for hit in hits if hit is not None]


def me_too_links(refs: list[dict]) -> list[dict]:
    """« Moi aussi » under a story from elsewhere: the national offer itself when it is visible
    here, else this city's offers of the same kind and theme. [{"label", "url"}]."""
    from urllib.parse import urlencode

    from tenant_apps.catalogue.selectors import offer_get_for_city

    links = []
    for ref in refs or []:
        hit = offer_get_for_city(offer_id=ref["national_id"]) if ref.get("national_id") else None
        if hit is not None:
            links.append({"label": hit.offer.title, "url": f"/offres/{hit.offer.pk}/"})
            continue
        query = {"kind": ref.get("kind", "")}
        if ref.get("themes"):
            query["theme"] = ref["themes"][0]
        links.append(
            {"label": ref.get("title", ""), "url": f"/offres/?{urlencode(query)}", "similar": True}
        )
    return links


def structure_open_days(*, structure) -> list:
    """The structure's upcoming published events (its open days, workshops…)."""
    from django.utils import timezone

    return list(
        Offer.objects.filter(
            structure=structure,
            kind=OfferKind.EVENEMENT,
            status=OfferStatus.PUBLISHED,
            starts_at__gte=timezone.now(),
        ).order_by("starts_at")[:10]
    )


def staff_inspirations_list() -> list[Inspiration]:
    """The staff list of stories, newest change first, each with `consent_by_name`: the pseudo
    of the staff member who recorded the young person's consent (never their e-mail), or
    « un membre de l'équipe » when they have none or have left."""
    from django.utils.translation import gettext as _

    items = list(Inspiration.objects.order_by("-updated_at"))
    emails = {s.consent_by for s in items if s.consent_by}
    names = dict(
        User.objects.filter(email__in=emails)
        .exclude(display_name="")
        .values_list("email", "display_name")
    )
    for story in items:
        story.consent_by_name = names.get(story.consent_by) or _("un membre de l'équipe")
    return items
