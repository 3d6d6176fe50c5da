"""A forged webhook cannot suspend a city: stripe ≥ 16 refuses a signature checked against an
empty secret, and production refuses to start with billing on and no webhook secret."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import stripe
from django.test import override_settings

from shared_apps.billing.models import StripeEvent

from .fake_stripe import SECRET_KEY, WEBHOOK_SECRET, event, invoice, signed

WEBHOOK = "/billing/stripe/webhook/"


def test_the_installed_stripe_library_is_16_or_later():
    assert int(stripe.VERSION.split(".")[0]) >= 16


def _forged_past_due(client_for, public_host):
    """What an attacker without the secret can make: a payload signed with an empty key."""
    evt = event(
        "evt_forged", "invoice.payment_failed", invoice("in_f", "cus_x", "sub_x"), int(time.time())
    )
    payload, header = signed(evt, secret="")
    return client_for(public_host).post(
        WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


@pytest.mark.parametrize("configured", ["", "   ", WEBHOOK_SECRET])
def test_a_webhook_signed_with_an_empty_key_is_refused(db, client_for, public_host, configured):
    with override_settings(STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_WEBHOOK_SECRET=configured):
        response = _forged_past_due(client_for, public_host)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_signature"
    assert not StripeEvent.objects.exists()


CHECK = "import django; django.setup(); from django.conf import settings; print('started')"


def _production(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tremplin.settings.production",
            "DJANGO_SECRET_KEY": "x" * 50,
            **extra_env,
        }
    )
    return subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=60,
        check=False,
    )  # fmt: skip


@pytest.mark.parametrize("webhook_secret", [None, "", " "])
def test_production_refuses_billing_without_a_webhook_secret(webhook_secret):
    env = {"STRIPE_SECRET_KEY": "sk_live_x"}
    if webhook_secret is not None:
        env["STRIPE_WEBHOOK_SECRET"] = webhook_secret
    completed = _production(env)
    assert completed.returncode != 0
    last_line = completed.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line and "STRIPE_WEBHOOK_SECRET" in last_line


@pytest.mark.parametrize(
    "env",
    [{}, {"STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"}],
    ids=["billing off", "billing on with its secret"],
)
def test_production_starts_with_billing_off_or_fully_configured(env):
    completed = _production(env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "started"
