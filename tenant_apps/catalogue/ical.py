"""iCalendar output for the agenda feed (the `icalendar` package writes and escapes it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from icalendar import Calendar, Event

from .selectors import OfferHit


def events_to_ics(
    *, hits: Iterable[OfferHit], calendar_name: str, host: str, url_for: Callable[[OfferHit], str]
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Tremplin//Agenda jeunesse//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", calendar_name)
    for hit in hits:
        offer = hit.offer
        event = Event()
        event.add("uid", f"{offer.pk}@{host}")
        event.add("summary", offer.title)
        event.add("dtstart", offer.starts_at)
        event.add("dtend", offer.ends_at or offer.starts_at + timedelta(hours=2))
        event.add("dtstamp", offer.updated_at)
        event.add("last-modified", offer.updated_at)
        if offer.summary:
            event.add("description", offer.summary)
        place = offer.address or (offer.structure.name if offer.structure else "")
        if place:
            event.add("location", place)
        if offer.latitude is not None and offer.longitude is not None:
            event.add("geo", (offer.latitude, offer.longitude))
        event.add("url", url_for(hit))
        calendar.add_component(event)
    return calendar.to_ical()
