"""What the catalogue tells the apps above it when one of its offers goes live.

The catalogue sits below matching (pyproject's layer contracts) and never imports it: an app
that acts on a publication registers a hook here from its AppConfig.ready(). Once the publishing
transaction has committed (never for a rolled-back one), offer_transition calls every hook with
the offer's id, in the city's schema; a hook hands its work to a task. Registered today:

    matching.notify   announce the offer to the young people it fits (a Celery task)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from tenants.hooks import Hooks

# hook(offer_id): the offer was published; runs after commit, in the city's schema.
offer_published: Hooks[Callable[[uuid.UUID], None]] = Hooks("offer_published")


def offer_published_announce(offer_id: uuid.UUID) -> None:
    """Run every publish hook, by (order, name), for this freshly published offer."""
    for hook in offer_published:
        hook(offer_id)
