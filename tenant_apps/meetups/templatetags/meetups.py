"""`{% speed_meeting_box offer %}`: on an event's page, the « Adopte un pro » invitation when
the event holds speed meetings (catalogue's offer page loads it; nothing when it doesn't)."""

from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("meetups/_offer_box.html")
def speed_meeting_box(offer) -> dict:
    meeting = selectors.meeting_for_offer(offer.pk) if offer.kind == "evenement" else None
    if meeting is None:
        return {"meeting": None}
    jobs = list(selectors.pros_of(meeting).values_list("job_title", flat=True))
    return {"meeting": meeting, "pro_count": len(jobs), "jobs": jobs[:4]}
