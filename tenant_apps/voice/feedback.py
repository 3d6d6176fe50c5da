"""Event ratings for the diagnostic without analytics knowing where they are kept.

Attendees rate an event on the portal (portal.Registration.rating), and the diagnostic
(analytics) reports them; the two are siblings that never import each other (pyproject's
layer contracts), so portal registers its reader here from AppConfig.ready() and analytics
asks through `event_ratings`. Without a reader, there are no ratings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

# (date_from, date_to) → [{"offer", "title", "starts_at", "count", "mean", "words"}], only the
# events that started in the period and have at least 10 ratings.
EventRatingsReader = Callable[[date, date], list[dict]]

_reader: EventRatingsReader | None = None


def event_ratings_register(reader: EventRatingsReader | None) -> None:
    """Set (or, with None, remove) the reader of event ratings."""
    global _reader
    _reader = reader


def event_ratings(*, date_from: date, date_to: date) -> list[dict]:
    return _reader(date_from, date_to) if _reader is not None else []
