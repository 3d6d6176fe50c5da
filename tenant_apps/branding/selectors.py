"""Reads for a city's branding (current schema)."""

from __future__ import annotations

from .models import SOCIAL_NETWORKS, Branding, Page


def branding_get() -> Branding | None:
    return Branding.objects.first()


def page_get(*, slug: str) -> Page | None:
    return Page.objects.filter(slug=slug).first()


def social_links_list(branding: Branding | None) -> list[tuple[str, str]]:
    """(label, url) pairs in a stable order."""
    links = (branding.social_links if branding else None) or {}
    return [(label, links[key]) for key, label in SOCIAL_NETWORKS.items() if links.get(key)]
