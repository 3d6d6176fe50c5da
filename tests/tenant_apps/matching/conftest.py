"""Catalogue fixtures for matching tests: offers published through the real services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.models import Role
from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.services import offer_create, offer_publish
from tenants.context import in_city


@pytest.fixture
def publish(make_user):
    """publish(city, **fields) -> a published local offer of that city."""
    editors = {}

    def make(city, **fields):
        if city.pk not in editors:
            editors[city.pk] = make_user(city, f"editor@{city.slug}.test", Role.EDITOR)
        defaults = {"kind": "aide", "title": "Aide", "summary": "Une aide locale."}
        with in_city(city):
            offer = offer_create(by=editors[city.pk], fields={**defaults, **fields})
            return offer_publish(offer=offer, by=editors[city.pk])

    return make


@pytest.fixture
def national(db):
    """national(**fields) -> a published national offer."""

    def make(**fields):
        defaults = {
            "kind": "aide",
            "title": "Aide nationale",
            "status": "published",
            "scope": "national",
            "published_at": timezone.now() - timedelta(days=30),
        }
        return NationalOffer.objects.create(**{**defaults, **fields})

    return make
