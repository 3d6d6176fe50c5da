"""Sending an offer back to draft needs a reason: an empty one is refused with a French
message, on the review queue, the offer's page and the API, and the offer stays in review."""

from __future__ import annotations

import html

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.catalogue.models import Offer, OfferStatus
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer


def test_an_empty_reason_is_refused_everywhere(grigny, make_user, client_for, api_for):
    editor = make_user(grigny, "relecteur@grigny.test", Role.EDITOR)
    with in_city(grigny):
        offer = make_offer(title="Gala de boxe", status=OfferStatus.IN_REVIEW)
        token = token_create(user=editor)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(editor)
    for reason in ("", "   "):
        page = client.post(
            f"/staff/relecture/{offer.pk}/", {"decision": "reject", "reason": reason}, follow=True
        )
        assert "Dis en quelques mots ce qui manque" in html.unescape(page.content.decode())
        page = client.post(
            f"/staff/offres/{offer.pk}/statut/", {"action": "reject", "reason": reason},
            follow=True,
        )  # fmt: skip
        assert "Dis en quelques mots ce qui manque" in html.unescape(page.content.decode())
        response = api_for(grigny, token).post(
            f"/api/v1/staff/offers/{offer.pk}/transition/",
            {"to": "rejected", "reason": reason},
            format="json",
        )
        assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    with in_city(grigny):
        assert Offer.objects.get(pk=offer.pk).status == OfferStatus.IN_REVIEW
