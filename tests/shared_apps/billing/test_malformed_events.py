"""A signed body that is not a well-formed Stripe event is answered 400 and stored as rejected;
it never reaches a city's billing state and never answers 500."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from shared_apps.billing.models import StripeEvent
from shared_apps.billing.tasks import process_stripe_event

from .fake_stripe import WEBHOOK_SECRET, event, invoice, subscription

WEBHOOK = "/billing/stripe/webhook/"


def _post_raw(client_for, public_host, body: str):
    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
    return client_for(public_host).post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def _good() -> dict:
    return event("evt_good", "invoice.paid", invoice("in_1", "cus_x", "sub_x"), int(time.time()))


def _without(key: str) -> dict:
    evt = _good()
    del evt[key]
    return evt


def _with(**changes) -> dict:
    return {**_good(), **changes}


def _sub_with(**changes) -> dict:
    obj = {**subscription("sub_x", "cus_x", "active"), **changes}
    return event("evt_sub", "customer.subscription.updated", obj, int(time.time()))


MALFORMED = {
    "created is text": json.dumps(_with(created="hier")),
    "created is a boolean": json.dumps(_with(created=True)),
    "created out of range": json.dumps(_with(created=10**20)),
    "a JSON list": json.dumps([_good()]),
    "a JSON string": json.dumps("evt_good"),
    "no id": json.dumps(_without("id")),
    "id is a number": json.dumps(_with(id=42)),
    "no type": json.dumps(_without("type")),
    "no data": json.dumps(_without("data")),
    "data.object missing": json.dumps(_with(data={})),
    "data.object is a list": json.dumps(_with(data={"object": []})),
    "metadata is a list": json.dumps(_sub_with(metadata=["city"])),
    "items is text": json.dumps(_sub_with(items="tout")),
    "trial_end is text": json.dumps(_sub_with(trial_end="bientôt")),
    "not JSON": "{ceci n'est pas du JSON",
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_signed_malformed_event_is_rejected_and_kept(
    case, db, fake_stripe, client_for, public_host, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post_raw(client_for, public_host, MALFORMED[case])
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "malformed_event"
    assert response.json()["error"]["message"].startswith("Événement Stripe mal formé")
    stored = StripeEvent.objects.get()
    assert stored.status == StripeEvent.Status.REJECTED and stored.reason
    assert stored.event_id is None  # a genuine event with the claimed id is still accepted
    assert callbacks == []  # no task for it


def test_a_rejected_event_never_blocks_the_genuine_one_nor_the_billing_state(
    grigny, fake_stripe, client_for, public_host, django_capture_on_commit_callbacks
):
    bad = json.dumps(_with(created="hier"))
    assert _post_raw(client_for, public_host, bad).status_code == 400
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post_raw(client_for, public_host, json.dumps(_good()))
    assert response.status_code == 200 and response.json()["duplicate"] is False
    assert len(callbacks) == 1
    genuine = StripeEvent.objects.get(event_id="evt_good")
    assert process_stripe_event.apply(args=[genuine.pk]).successful()
    assert StripeEvent.objects.filter(status=StripeEvent.Status.REJECTED).count() == 1
