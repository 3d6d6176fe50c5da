"""Billing state of each city (public schema) and the Stripe events received."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BillingState(models.TextChoices):
    NONE = "none", _("Sans abonnement")
    INCOMPLETE = "incomplete", _("Paiement initial en attente")
    TRIALING = "trialing", _("Période d'essai")
    ACTIVE = "active", _("À jour")
    PAST_DUE = "past_due", _("Paiement en retard")
    CANCELED = "canceled", _("Résilié")


class Subscription(models.Model):
    """One per city: its plan, its Stripe ids and where its subscription stands.

    The state is recomputed from every event received for the city, in Stripe's order (see
    shared_apps.billing.state), so events arriving late, twice or out of order never leave it
    wrong. `state_at` is the Stripe time of the latest event it reflects.
    """

    city = models.OneToOneField(
        "tenants.City", on_delete=models.CASCADE, related_name="billing_subscription"
    )
    plan = models.CharField(_("formule"), max_length=40, blank=True)
    state = models.CharField(
        _("état"), max_length=16, choices=BillingState.choices, default=BillingState.NONE
    )
    state_at = models.DateTimeField(null=True, blank=True)
    grace_until = models.DateTimeField(_("fin du délai de grâce"), null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    # A downgrade keeps the features the new plan lacks until the period paid for ends; the
    # beat task withdraws them once this time has passed (services.plan_downgrades_apply).
    features_downgrade_at = models.DateTimeField(
        _("retrait des fonctionnalités prévu le"), null=True, blank=True
    )
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("abonnement")

    def __str__(self) -> str:
        return f"{self.city_id}: {self.plan or '-'} {self.state}"


class StripeEvent(models.Model):
    """A webhook event, stored once by its Stripe id, processed by a Celery task.

    A signed body that is not a well-formed event is kept too, as `rejected` with the reason
    (and no event id, so it never stands in for the genuine event of the id it claims); it is
    never processed and never counts in a city's billing state."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("reçu")
        REJECTED = "rejected", _("rejeté")

    event_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    type = models.CharField(max_length=100)
    created = models.DateTimeField(
        null=True, blank=True, help_text="Stripe's `created` time of the event."
    )
    payload = models.JSONField()  # a rejected body that is not JSON: its text
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.CharField(max_length=255, blank=True)  # why it was rejected
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=255, blank=True)
    # Filled when the event is processed: which city it is about, through which Stripe ids.
    city = models.ForeignKey(
        "tenants.City", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    subscription_id = models.CharField(max_length=255, blank=True, db_index=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
