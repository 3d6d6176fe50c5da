"""System check: every feature a plan lists is a registered feature key (tenants.features)."""

from __future__ import annotations

from django.core.checks import Error, register

from tenants.features import FEATURES

from .selectors import plan_list


@register()
def check_plan_features(app_configs=None, **kwargs) -> list[Error]:
    return [
        Error(
            f"Plan {plan.key!r} lists the unknown feature {key!r}.",
            hint="Use keys of tenants.features.FEATURES in TREMPLIN_PLANS[...]['features'].",
            obj="settings.TREMPLIN_PLANS",
            id="billing.E001",
        )
        for plan in plan_list()
        for key in sorted(plan.features - set(FEATURES))
    ]
