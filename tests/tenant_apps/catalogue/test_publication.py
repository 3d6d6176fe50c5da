"""Publishing an offer tells the apps above the catalogue through its publish hooks, once the
transaction has committed, and never for a publication that was rolled back."""

from __future__ import annotations

import pytest
from django.db import transaction

from shared_apps.accounts.models import Role
from tenant_apps.catalogue import publication
from tenant_apps.catalogue.services import offer_create, offer_publish
from tenant_apps.matching import hooks as matching_hooks
from tenants.context import in_city

FIELDS = {"kind": "aide", "title": "Bourse permis", "summary": "Une aide locale."}


@pytest.fixture
def heard():
    """The ids a test hook hears. It listens alone: matching's hook would send a real task."""
    ids = []
    publication.offer_published.unregister("matching.notify")
    publication.offer_published.register("test.heard", ids.append)
    yield ids
    publication.offer_published.unregister("test.heard")
    matching_hooks.register()


def test_matching_registers_its_announcement():
    assert "matching.notify" in publication.offer_published.names()


def test_a_publication_runs_the_hooks_after_commit(
    grigny, make_user, heard, django_capture_on_commit_callbacks
):
    editor = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    with in_city(grigny):
        offer = offer_create(by=editor, fields=FIELDS)
        with django_capture_on_commit_callbacks(execute=True):
            offer_publish(offer=offer, by=editor)
            assert heard == []  # not before the commit
    assert heard == [offer.pk]


def test_a_rolled_back_publication_runs_no_hook(
    grigny, make_user, heard, django_capture_on_commit_callbacks
):
    editor = make_user(grigny, "editor@grigny.test", Role.EDITOR)
    with in_city(grigny):
        offer = offer_create(by=editor, fields=FIELDS)
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            offer_publish(offer=offer, by=editor)
            raise RuntimeError("the request failed after the publication")
    assert heard == []
