"""Bookings (and the words written in them), inbox, « J'ai fait ma demande », notification
choices and an advisor's own presentation: in the person's data export, gone with their
account (tenant_apps.youth.exports)."""

from __future__ import annotations

from urllib.parse import urlsplit

from tenant_apps.youth.exports import register_erasure, register_export


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _bookings(user) -> list[dict]:
    from .models import Booking

    rows = Booking.objects.filter(user=user).select_related("slot__advisor").order_by("pk")
    return [
        {
            "advisor": b.slot.advisor.display_name,
            "starts_at": _iso(b.slot.starts_at),
            "ends_at": _iso(b.slot.ends_at),
            "format": b.slot.format,
            "place": b.slot.where,
            "video_link": b.slot.video_link,
            "message": b.message,
            "about_offer": (
                {"id": str(b.about_offer_id), "title": b.about_offer_title}
                if b.about_offer_id
                else None
            ),
            "booked_at": _iso(b.created_at),
            "canceled_at": _iso(b.canceled_at),
            "reminded_at": _iso(b.reminded_at),
        }
        for b in rows
    ]


def _inbox(user) -> list[dict]:
    from .models import InboxMessage

    return [
        {
            "title": m.title,
            "body": m.body,
            "link": m.link,
            "offer_id": str(m.offer_id) if m.offer_id else None,
            "created_at": _iso(m.created_at),
            "read_at": _iso(m.read_at),
        }
        for m in InboxMessage.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _claims(user) -> list[dict]:
    from .models import RightClaim

    return [
        {"offer_id": str(c.offer_id), "claimed_at": _iso(c.claimed_at)}
        for c in RightClaim.objects.filter(user=user).order_by("claimed_at", "pk")
    ]


def _notification_settings(user) -> dict | None:
    from .models import NotificationSettings

    row = NotificationSettings.objects.filter(user=user).first()
    if row is None:
        return None
    # The unsubscribe token is a key, like an API token: not part of the copy.
    return {
        "digest": "weekly" if row.weekly_digest else "never",
        "email": row.email_enabled,
        "push": row.push_enabled,
        "last_digest_at": _iso(row.last_digest_at),
    }


def _advisor(user) -> dict | None:
    """The presentation of an advisor whose account this is (staff; None for young people)."""
    from .models import Advisor

    advisor = Advisor.objects.filter(user=user).first()
    if advisor is None:
        return None
    return {
        "display_name": advisor.display_name,
        "organisation": advisor.organisation,
        "job_title": advisor.job_title,
        "bio": advisor.bio,
        "photo": advisor.photo.name or None,
        "video_url": advisor.video_url,
        "video_file": advisor.video_file.name or None,
        "video_text": advisor.video_text,
        "location": advisor.location,
    }


def _push_subscriptions(user) -> list[dict]:
    from .models import PushSubscription

    return [
        {"device": urlsplit(row.endpoint).hostname, "since": row.created_at.isoformat()}
        for row in PushSubscription.objects.filter(user=user).order_by("created_at")
    ]


def _erase(user) -> None:
    from .models import (
        Advisor,
        Booking,
        InboxMessage,
        NotificationSettings,
        PushSubscription,
        RightClaim,
    )

    # A booking goes with its words; an upcoming one frees its place for someone else.
    Booking.objects.filter(user=user).delete()
    InboxMessage.objects.filter(user=user).delete()
    RightClaim.objects.filter(user=user).delete()
    NotificationSettings.objects.filter(user=user).delete()
    PushSubscription.objects.filter(user=user).delete()
    Advisor.objects.filter(user=user).update(user=None)


register_export("bookings", _bookings, tables=["matching.Booking"])
register_export("inbox", _inbox, tables=["matching.InboxMessage"])
register_export("right_claims", _claims, tables=["matching.RightClaim"])
register_export(
    "notification_settings", _notification_settings, tables=["matching.NotificationSettings"]
)
register_export("advisor", _advisor, tables=["matching.Advisor"])
register_export("push_subscriptions", _push_subscriptions, tables=["matching.PushSubscription"])
register_erasure(
    "matching",
    _erase,
    tables=[
        "matching.Booking", "matching.InboxMessage", "matching.RightClaim",
        "matching.NotificationSettings", "matching.Advisor", "matching.PushSubscription",
    ],
)  # fmt: skip
