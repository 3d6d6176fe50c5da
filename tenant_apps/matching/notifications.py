"""Tell young people about offers that fit them: an in-app message when an offer is published,
and a weekly digest for those who opted in (by e-mail, or in the inbox for those who said no to
e-mails). Nobody gets more than a set number of messages a week, and the digest e-mail has a
one-click unsubscribe link. Offer messages run in Celery (see tasks.py), in the city's schema,
gated by the city's `notifications` flag.

Also how anyone is told about their appointments (`tell`: the inbox, and an e-mail when the
person accepts e-mails), and the reminders the day before, to both sides, with the place.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from kernel.clock import local_today

from tenant_apps.youth.models import YouthProfile
from tenants.features import feature_enabled
from tenants.models import City, build_url

from .candidates import Candidate, candidates_for_city
from .feed import Scoring, feed_for, score_candidate
from .models import Booking, InboxMessage, NotificationSettings, Slot
from .profiles import MatchProfile, match_profile_from_row
from .push import push_messages

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
    if batch:  # ignore_conflicts returns no ids: find this offer's messages to these people
        offer_id = batch[0].offer_id
        ids = InboxMessage.objects.filter(
            offer_id=offer_id, user_id__in=[m.user_id for m in batch]
        ).values_list("pk", flat=True)
        push_messages(ids)
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
    """Send each opted-in young person the best new offers of the week for them: by e-mail,
    or to the inbox when they said no to e-mails."""
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
        if row.email_enabled:
            _digest_email(city, row, items).send()
        else:  # no e-mails: the digest waits in the inbox
            InboxMessage.objects.create(
                user_id=user_id,
                title="Tes idées de la semaine",
                body="\n".join(
                    f"{item.candidate.title} ({', '.join(item.reasons)})" for item in items
                ),
                link="/pour-toi/",
            )
        row.last_digest_at = now
        row.save(update_fields=["last_digest_at"])
        count += 1
    return count


# Appointments: whoever is concerned is told, as their preferences say.


def tell(*, user, title: str, body: str, link: str = "", subject: str | None = None) -> None:
    """Tell one person: a message in their inbox now, and the same by e-mail once the current
    transaction commits, unless they said no to e-mails. Links are the city's canonical ones."""
    from .selectors import email_allowed
    from .services import inbox_add

    if user.is_youth:
        inbox_add(user=user, title=title, body=body, link=link)
    if not user.is_active or not user.email or not email_allowed(user=user):
        return
    city: City = connection.tenant
    text = f"Bonjour,\n\n{body}\n"
    if link:
        text += f"\n{build_url(city.primary_host, link)}\n"
    text += f"\nL'équipe Tremplin {city.name}\n"
    message = EmailMessage(subject=subject or f"Tremplin {city.name} : {title}", body=text,
                           to=[user.email])  # fmt: skip
    transaction.on_commit(message.send)


def _tomorrow(now: datetime) -> tuple[datetime, datetime]:
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    start = datetime.combine(tomorrow, datetime.min.time(), timezone.get_current_timezone())
    return start, start + timedelta(days=1)


def _where(slot: Slot) -> str:
    lines = []
    if slot.where:
        lines.append(f"Où : {slot.where}")
    if slot.video_link:
        lines.append(f"Lien de visio : {slot.video_link}")
    return "\n".join(lines) or "Le lieu te sera précisé par ton contact."


def _claim(queryset, pk: int, now: datetime) -> bool:
    """Mark one row reminded; False when another run already did (so nobody is told twice)."""
    return queryset.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now) == 1


def send_booking_reminders(*, city: City, now: datetime | None = None) -> int:
    """The day before an appointment: each young person booked, and the advisor (one message
    per slot, with who comes), with the time and the place. Each is told once (`reminded_at`)."""
    now = now or timezone.now()
    start, end = _tomorrow(now)
    tomorrow = Q(slot__starts_at__gte=start, slot__starts_at__lt=end)
    due = (
        Booking.objects.filter(
            tomorrow,
            canceled_at__isnull=True,
            reminded_at__isnull=True,
            slot__canceled_at__isnull=True,
            user__is_active=True,
        )
        .select_related("slot__advisor", "user")
        .order_by("pk")
    )
    sent = 0
    for booking in due:
        if not _claim(Booking.objects, booking.pk, now):
            continue
        slot = booking.slot
        when = timezone.localtime(slot.starts_at)
        tell(
            user=booking.user,
            title=f"Demain : rendez-vous avec {slot.advisor.display_name}",
            body=f"Petit rappel : tu as rendez-vous avec {slot.advisor.display_name} demain, "
            f"le {when:%d/%m à %Hh%M}.\n{_where(slot)}\nTu ne peux plus venir ? Annule pour "
            "laisser ta place.",
            link="/mes-rendez-vous/",
        )
        sent += 1
    slots = (
        Slot.objects.filter(
            starts_at__gte=start,
            starts_at__lt=end,
            canceled_at__isnull=True,
            reminded_at__isnull=True,
            advisor__user__isnull=False,
            advisor__user__is_active=True,
        )
        .filter(Exists(Booking.objects.filter(slot=OuterRef("pk"), canceled_at__isnull=True)))
        .select_related("advisor__user")
        .order_by("pk")
    )
    for slot in slots:
        if not _claim(Slot.objects, slot.pk, now):
            continue
        people = [
            b.user.display_name or "Un·e jeune"
            for b in slot.bookings.filter(canceled_at__isnull=True).select_related("user")
        ]
        when = timezone.localtime(slot.starts_at)
        tell(
            user=slot.advisor.user,
            title=f"Demain à {when:%Hh%M} : {len(people)} rendez-vous",
            body=f"Petit rappel : demain, le {when:%d/%m à %Hh%M}, tu reçois "
            f"{', '.join(people)}.\n{_where(slot)}",
            link="/staff/mon-agenda/",
        )
        sent += 1
    return sent
