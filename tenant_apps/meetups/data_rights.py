"""« Adopte un pro » in a young person's data export; erasure forgets their choices and
follow-ups, and leaves their rendezvous anonymous (a pro's table stays counted)."""

from __future__ import annotations

from tenant_apps.youth.exports import register_erasure, register_export


def _meetups(user) -> list[dict]:
    from .models import Choice, Rendezvous

    rows = []
    for choice in Choice.objects.filter(user=user).select_related("pro", "meeting__offer"):
        rows.append(
            {
                "event": choice.meeting.offer.title,
                "choice": choice.rank,
                "pro": f"{choice.pro.display_name} ({choice.pro.job_title})",
            }
        )
    for item in Rendezvous.objects.filter(user=user).select_related("pro", "meeting__offer"):
        rows.append(
            {
                "event": item.meeting.offer.title,
                "rendezvous_at": item.window()[0].isoformat(),
                "pro": f"{item.pro.display_name} ({item.pro.job_title})",
                "asked_to_meet_again": item.follow_ups.filter(side="youth").exists(),
            }
        )
    return rows


def _tables(user) -> list[dict]:
    """A pro's own tables (partners and advisors export their account's data too)."""
    from .models import Pro

    return [
        {
            "event": pro.meeting.offer.title,
            "display_name": pro.display_name,
            "job_title": pro.job_title,
            "organisation": pro.organisation,
            "pitch": pro.pitch,
            "table": pro.table,
        }
        for pro in Pro.objects.filter(user=user).select_related("meeting__offer")
    ]


def _erase(user) -> None:
    from .services import forget_user

    forget_user(user=user)


register_export("speed_meetings", _meetups, tables=["meetups.Choice", "meetups.Rendezvous"])
register_export("speed_meeting_tables", _tables, tables=["meetups.Pro"])
register_erasure(
    "meetups",
    _erase,
    tables=["meetups.Choice", "meetups.Rendezvous", "meetups.FollowUp", "meetups.Pro"],
)
