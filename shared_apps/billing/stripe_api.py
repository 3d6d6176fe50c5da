"""The one place that talks to Stripe (a StripeClient built from settings)."""

from __future__ import annotations

import stripe
from django.conf import settings
from kernel.errors import ApplicationError, Conflict


class StripeUnavailable(ApplicationError):
    status_code = 502
    default_code = "stripe_unavailable"


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise Conflict(
            "Le paiement en ligne n'est pas configuré (STRIPE_SECRET_KEY).",
            code="billing_not_configured",
        )
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=1
    )


def call(what: str, function, **params):
    """Run a Stripe call; its failures become one French application error."""
    try:
        return function(params=params)
    except stripe.StripeError as exc:
        raise StripeUnavailable(
            f"Stripe n'a pas pu {what} : {exc.user_message or 'réessaie dans un instant'}."
        ) from exc
