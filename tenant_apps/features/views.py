"""/staff/fonctionnalites/: the city admin switches on the features the operator allowed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from kernel.errors import ApplicationError

from shared_apps.accounts.models import Role
from tenants.access import city_or_404
from tenants.features import FEATURES, feature_enable, feature_states


def feature_settings(request: HttpRequest) -> HttpResponse:
    city = city_or_404(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.role != Role.ADMIN:
        return render(request, "features/forbidden.html", status=403)
    if request.method == "POST":
        key = request.POST.get("key", "")
        enabled = request.POST.get("enabled") == "1"
        try:
            with transaction.atomic():
                feature_enable(city=city, key=key, enabled=enabled, by=request.user.email)
                _staff_audit(request, key, enabled)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            label = FEATURES[key].label
            messages.success(request, f"« {label} » {'activée' if enabled else 'désactivée'}.")
        return redirect("features:settings")
    return render(request, "features/settings.html", {"states": feature_states(city=city)})


def _staff_audit(request: HttpRequest, key: str, enabled: bool) -> None:
    """The city's own audit log (tenant_apps.staff), when installed."""
    from django.apps import apps

    if apps.is_installed("tenant_apps.staff"):
        from tenant_apps.staff.audit import audit_record

        audit_record(
            actor=request.user,
            action="feature.enabled" if enabled else "feature.disabled",
            object_type="feature",
            object_id=key,
            label=FEATURES[key].label,
        )
