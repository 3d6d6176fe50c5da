"""Build catalogue rows for tests (in the current schema)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from django.utils import timezone

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.models import Offer, OfferStatus, Structure
from tenant_apps.catalogue.services import offer_refresh_search

_seq = count()


def make_offer(**fields) -> Offer:
    defaults = dict(kind="aide", title=f"Offre {next(_seq)}", status=OfferStatus.PUBLISHED)
    if fields.get("kind") == "evenement" and "starts_at" not in fields:
        defaults["starts_at"] = timezone.now() + timedelta(days=7)
    offer = Offer(**{**defaults, **fields})
    if offer.status == OfferStatus.PUBLISHED and offer.published_at is None:
        offer.published_at = timezone.now()
    offer_refresh_search(offer)
    offer.full_clean()
    offer.save()
    return offer


def make_national(**fields) -> NationalOffer:
    defaults = dict(
        kind="aide", title=f"Aide nationale {next(_seq)}", status=OfferStatus.PUBLISHED,
        published_at=timezone.now(),
    )  # fmt: skip
    offer = NationalOffer(**{**defaults, **fields})
    offer_refresh_search(offer)
    offer.full_clean()
    offer.save()
    return offer


def make_structure(**fields) -> Structure:
    structure = Structure(**{"name": f"Structure {next(_seq)}", **fields})
    structure.full_clean()
    structure.save()
    return structure
