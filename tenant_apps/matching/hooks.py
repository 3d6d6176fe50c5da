"""What matching adds to the apps below it: announcing a newly published offer to the young
people it fits (tenant_apps.catalogue.publication)."""

from __future__ import annotations

import uuid

from tenant_apps.catalogue import publication

from .tasks import notify_offer_published


def offer_published_notify(offer_id: uuid.UUID) -> None:
    """The catalogue calls this once the publication committed: the work goes to a task."""
    notify_offer_published.delay(str(offer_id))


def register() -> None:
    publication.offer_published.register("matching.notify", offer_published_notify)
