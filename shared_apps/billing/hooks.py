"""What billing adds to onboarding (tenants.hooks): the plan chosen for a new city, checked
with the rest of the input and recorded once the city is registered."""

from __future__ import annotations

from tenants import hooks
from tenants.models import City

from .selectors import plan_list
from .services import city_plan_set


def plan_validate(request: hooks.CityRequest) -> hooks.FieldErrors:
    keys = [plan.key for plan in plan_list()]
    if request.plan and request.plan not in keys:
        return {"plan": [f"Formule inconnue : choisis parmi {', '.join(keys)}."]}
    return {}


def plan_record(city: City, request: hooks.CityRequest, by: str) -> None:
    if request.plan:
        city_plan_set(city=city, plan=request.plan, by=by)


def register() -> None:
    hooks.validate.register("billing.plan", plan_validate, order=30)
    hooks.registered.register("billing.plan", plan_record, order=10)
