"""What the catalogue tells the apps above it when one of its offers goes live, and when a
review answers an offer that was sent for review.

The catalogue sits below matching (pyproject's layer contracts) and never imports it: an app
that acts on a publication registers a hook here from its AppConfig.ready(). Once the publishing
transaction has committed (never for a rolled-back one), offer_transition calls every hook with
the offer's id, in the city's schema; a hook hands its work to a task. Registered today:

    matching.notify   announce the offer to the young people it fits (a Celery task)
    staff.review      tell whoever sent the offer for review what was decided (inbox, e-mail)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from tenants.hooks import Hooks

# hook(offer_id): the offer was published; runs after commit, in the city's schema.
offer_published: Hooks[Callable[[uuid.UUID], None]] = Hooks("offer_published")


def offer_published_announce(offer_id: uuid.UUID) -> None:
    """Run every publish hook, by (order, name), for this freshly published offer."""
    for hook in offer_published:
        hook(offer_id)


@dataclass(frozen=True)
class Review:
    """An offer left review: published (approved) or sent back to draft with a reason."""

    offer_id: uuid.UUID
    approved: bool
    reason: str
    reviewer_id: int | None  # the user who decided


# hook(review): runs after commit, in the city's schema.
offer_reviewed: Hooks[Callable[[Review], None]] = Hooks("offer_reviewed")


def offer_reviewed_announce(review: Review) -> None:
    """Run every review hook, by (order, name)."""
    for hook in offer_reviewed:
        hook(review)
