"""Reads about plans and billing (public schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from kernel.errors import ValidationFailed

from tenants.features import FEATURES, Feature, plan_allowed_keys
from tenants.models import City

from .models import Subscription


@dataclass(frozen=True)
class Plan:
    key: str
    price_id: str
    label: str
    monthly_eur: int
    features: frozenset[str] = frozenset()  # keys of tenants.features.FEATURES it allows

    @property
    def name(self) -> str:
        return self.label


def plan_list() -> list[Plan]:
    return [
        Plan(
            key,
            spec["price"],
            spec.get("label", key),
            int(spec.get("monthly_eur", 0)),
            frozenset(spec.get("features", ())),
        )
        for key, spec in settings.TREMPLIN_PLANS.items()
    ]


def plan_find(key: str) -> Plan | None:
    return next((plan for plan in plan_list() if plan.key == key), None)


@dataclass(frozen=True)
class PlanFeatureRow:
    feature: Feature
    included: list[bool]  # one per plan, in plan_list() order


def plan_feature_table() -> tuple[list[Plan], list[PlanFeatureRow]]:
    """The plans and, for every registered feature, which plans allow it (console)."""
    plans = plan_list()
    rows = [
        PlanFeatureRow(feature, [key in plan.features for plan in plans])
        for key, feature in FEATURES.items()
    ]
    return plans, rows


@dataclass(frozen=True)
class CityPlanFeatures:
    """What the city's plan means for its features, for the console and the city's admins."""

    plan: Plan | None
    withdrawn_at: datetime | None  # a downgrade's removals take effect then
    withdrawing: frozenset[str]  # keys allowed by the previous plan, to be withdrawn then

    def includes(self, key: str) -> bool:
        return self.plan is not None and key in self.plan.features


def city_plan_features(*, city: City) -> CityPlanFeatures:
    subscription = Subscription.objects.filter(city=city).first()
    plan = plan_find(subscription.plan) if subscription else None
    withdrawn_at = subscription.features_downgrade_at if subscription else None
    withdrawing = frozenset()
    if withdrawn_at is not None:
        target = plan.features if plan else frozenset()
        withdrawing = frozenset(plan_allowed_keys(city=city)) - target
    return CityPlanFeatures(plan, withdrawn_at, withdrawing)


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
