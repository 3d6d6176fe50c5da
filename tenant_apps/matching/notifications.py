"""Tell young people about offers that fit them: an in-app message when an offer is published,
and a weekly digest e-mail for those who opted in. Nobody gets more than a set number of
messages a week, and the digest has a one-click unsubscribe link.

Runs in Celery (see tasks.py), in the city's schema; gated by the city's `notifications` flag.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count
from django.utils import timezone
from kernel.clock import local_today

from tenant_apps.youth.models import YouthProfile
from tenants.features import feature_enabled
from tenants.models import City, build_url

from .candidates import Candidate, candidates_for_city
from .feed import Scoring, feed_for, score_candidate
from .models import InboxMessage, NotificationSettings
from .profiles import MatchProfile, match_profile_from_row

BATCH = 2000
# A match worth interrupting someone for: an interest, what they look for, or an aid they get.
NOTIFY_MIN_SCORE = 2.0


def weekly_cap() -> int:
    return getattr(settings, "TREMPLIN_NOTIFICATIONS_PER_WEEK", 3)


def _profiles(city: City, today: date) -> Iterator[tuple[int, MatchProfile]]:
    """Every young person's profile as a MatchProfile, without a query per person."""
    queryset = YouthProfile.objects.select_related("user", "neighbourhood").filter(
        user__is_active=True
    )
    for row in queryset.iterator(chunk_size=BATCH):
        yield row.user_id, match_profile_from_row(row, today=today, city=city)


def _sent_this_week(now: datetime) -> dict[int, int]:
    rows = (
        InboxMessage.objects.filter(created_at__gte=now - timedelta(days=7))
        .values("user_id")
        .annotate(n=Count("id"))
    )
    return {row["user_id"]: row["n"] for row in rows}


def notify_offer_published(*, city: City, offer_id: uuid.UUID) -> int:
    """Put the new offer in the inbox of everyone it fits (within the weekly cap)."""
    if not feature_enabled(city, "notifications"):
        return 0
    candidate = next((c for c in candidates_for_city(city) if c.id == offer_id), None)
    if candidate is None:  # unpublished again, or not visible in this city
        return 0
    now, today = timezone.now(), local_today()
    sent, cap = _sent_this_week(now), weekly_cap()
    told = set(InboxMessage.objects.filter(offer_id=offer_id).values_list("user_id", flat=True))
    link = f"/offres/{candidate.id}/"
    batch: list[InboxMessage] = []
    created = 0
    scoring = Scoring(now=now)
    for user_id, profile in _profiles(city, today):
        if user_id in told or sent.get(user_id, 0) >= cap:
            continue
        scoring.memo.clear()  # verdicts are per person
        item = score_candidate(candidate, profile, scoring)
        if item is None or item.score < NOTIFY_MIN_SCORE:
            continue
        batch.append(
            InboxMessage(
                user_id=user_id,
                title=candidate.title[:160],
                body=" · ".join(item.reasons).capitalize(),
                link=link,
                offer_id=candidate.id,
            )
        )
        if len(batch) >= BATCH:
            created += _insert(batch)
            batch = []
    return created + _insert(batch)


def _insert(batch: list[InboxMessage]) -> int:
    # A concurrent retry may have told some of them meanwhile: the unique constraint decides.
    InboxMessage.objects.bulk_create(batch, ignore_conflicts=True)
    return len(batch)


def _digest_email(city: City, row: NotificationSettings, items: list) -> EmailMultiAlternatives:
    host = city.primary_host
    unsubscribe = build_url(host, f"/desabonnement/{row.unsubscribe_token}/")
    lines = [f"- {item.candidate.title} ({', '.join(item.reasons)}) : "
             f"{build_url(host, f'/offres/{item.candidate.id}/')}" for item in items]  # fmt: skip
    body = (
        f"Salut !\n\nCette semaine sur Tremplin {city.name}, on a repéré pour toi :\n\n"
        + "\n".join(lines)
        + f"\n\nPour ne plus recevoir ce résumé : {unsubscribe}\n"
    )
    message = EmailMultiAlternatives(
        subject=f"Tremplin {city.name} : tes idées de la semaine",
        body=body,
        to=[row.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return message


def send_weekly_digests(*, city: City) -> int:
    """E-mail each opted-in young person the best new offers of the week for them."""
    if not feature_enabled(city, "notifications"):
        return 0
    now, today = timezone.now(), local_today()
    fresh: tuple[Candidate, ...] = tuple(
        c
        for c in candidates_for_city(city)
        if c.published_at and now - c.published_at <= timedelta(days=7)
    )
    if not fresh:
        return 0
    subscribed = {
        row.user_id: row
        for row in NotificationSettings.objects.select_related("user").filter(
            weekly_digest=True, user__is_active=True
        )
        if row.last_digest_at is None or now - row.last_digest_at >= timedelta(days=6)
    }
    if not subscribed:
        return 0
    sent, cap, count = _sent_this_week(now), weekly_cap(), 0
    for user_id, profile in _profiles(city, today):
        row = subscribed.get(user_id)
        if row is None or sent.get(user_id, 0) >= cap:
            continue
        items = feed_for(profile=profile, candidates=fresh, now=now, limit=5)
        if not items:
            continue
        _digest_email(city, row, items).send()
        row.last_digest_at = now
        row.save(update_fields=["last_digest_at"])
        count += 1
    return count
