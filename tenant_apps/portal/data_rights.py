"""Saves and registrations in a young person's data export, and gone with their account."""

from __future__ import annotations

from tenant_apps.youth.exports import register_erasure, register_export


def _saves(user) -> list[dict]:
    from .models import Save

    return [
        {
            "offer_id": str(s.offer_id),
            "is_national": s.is_national,
            "saved_at": s.saved_at.isoformat(),
        }
        for s in Save.objects.filter(user=user).order_by("saved_at", "id")
    ]


def _registrations(user) -> list[dict]:
    from .models import Registration

    return [
        {
            "offer_id": str(r.offer_id),
            "event": r.offer.title,
            "starts_at": r.offer.starts_at.isoformat() if r.offer.starts_at else None,
            "status": r.status,
            "position": r.position,
            "registered_at": r.created_at.isoformat(),
            "attended_at": r.attended_at.isoformat() if r.attended_at else None,
            "rating": r.rating,
            "feedback_word": r.feedback_word,
        }
        for r in Registration.objects.filter(user=user).select_related("offer").order_by("pk")
    ]


def _erase(user) -> None:
    from .models import Save
    from .services import registrations_forget_user

    Save.objects.filter(user=user).delete()
    registrations_forget_user(user=user)


register_export("saves", _saves, tables=["portal.Save"])
register_export("registrations", _registrations, tables=["portal.Registration"])
register_erasure("portal", _erase, tables=["portal.Save", "portal.Registration"])
