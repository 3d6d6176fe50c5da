"""Reads about plans and billing (public schema)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from kernel.errors import ValidationFailed

from tenants.models import City

from .models import Subscription


@dataclass(frozen=True)
class Plan:
    key: str
    price_id: str
    label: str
    monthly_eur: int

    @property
    def name(self) -> str:
        return self.label


def plan_list() -> list[Plan]:
    return [
        Plan(key, spec["price"], spec.get("label", key), int(spec.get("monthly_eur", 0)))
        for key, spec in settings.TREMPLIN_PLANS.items()
    ]


def plan_choices() -> list[tuple[str, str]]:
    return [(plan.key, plan.label) for plan in plan_list()]


def plan_get(*, key: str) -> Plan:
    for plan in plan_list():
        if plan.key == key:
            return plan
    raise ValidationFailed(
        f"Formule inconnue : « {key} ».",
        fields={"plan": [f"Choisis parmi : {', '.join(p.key for p in plan_list())}."]},
    )


def plan_for_price(price_id: str) -> Plan | None:
    return next((plan for plan in plan_list() if plan.price_id == price_id), None)


def city_billing_get(*, city: City) -> Subscription | None:
    return Subscription.objects.filter(city=city).first()


city_billing_summary = city_billing_get
