"""/staff/fonctionnalites/: the city admin switches on the features the plan (or the operator)
allows; one the plan lacks cannot be switched on (tenants.features.feature_switch)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from kernel.errors import ApplicationError

from shared_apps.billing.selectors import city_plan_features
from tenants.features import FEATURES, feature_states, feature_switch
from tenants.pages import is_city_admin, staff_page


@staff_page(is_city_admin, forbidden_template="features/forbidden.html")
def feature_settings(request: HttpRequest) -> HttpResponse:
    city = request.city
    if request.method == "POST":
        key = request.POST.get("key", "")
        enabled = request.POST.get("enabled") == "1"
        try:
            with transaction.atomic():
                feature_switch(city=city, key=key, enabled=enabled, by=request.user.email)
                _staff_audit(request, key, enabled)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            label = FEATURES[key].label
            messages.success(request, f"« {label} » {'activée' if enabled else 'désactivée'}.")
        return redirect("features:settings")
    context = {"states": feature_states(city=city), "plan": city_plan_features(city=city)}
    return render(request, "features/settings.html", context)


def _staff_audit(request: HttpRequest, key: str, enabled: bool) -> None:
    """The city's own audit log (tenant_apps.audit), when installed."""
    from django.apps import apps

    if apps.is_installed("tenant_apps.audit"):
        from tenant_apps.audit.services import audit_record

        audit_record(
            actor=request.user,
            action="feature.enabled" if enabled else "feature.disabled",
            object_type="feature",
            object_id=key,
            label=FEATURES[key].label,
        )
