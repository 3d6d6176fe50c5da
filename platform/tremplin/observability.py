"""Sentry set-up: events tagged with the city, personal data removed before they leave."""

from __future__ import annotations

import re
from typing import Any

FILTERED = "[Filtered]"
# Keys whose values are personal or secret wherever they appear in an event.
SENSITIVE_KEYS = re.compile(
    r"(e-?mail|password|passwd|secret|token|authorization|cookie|session|csrf|api[-_]?key|"
    r"birth|naissance|first_?name|last_?name|full_?name|display_?name|prenom|nom|phone|"
    r"telephone|address|adresse|ip_address)",
    re.IGNORECASE,
)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
BEARER_RE = re.compile(r"(?i)bearer\s+[\w.~+/=-]+")
DATE_RE = re.compile(r"\b(19|20)\d{2}-\d{2}-\d{2}\b")
# One-time secrets appear in invitation URLs.
URL_SECRET_RE = re.compile(r"(/invitation/)[\w-]+")


def _scrub_text(value: str) -> str:
    value = EMAIL_RE.sub("[email]", value)
    value = BEARER_RE.sub("Bearer [token]", value)
    value = URL_SECRET_RE.sub(r"\1[secret]", value)
    return DATE_RE.sub("[date]", value)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: FILTERED if isinstance(key, str) and SENSITIVE_KEYS.search(key) else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_scrub(item) for item in value)
    if isinstance(value, str):
        return _scrub_text(value)
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """before_send: drop who the person is; keep what went wrong and in which city."""
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        if not isinstance(request.get("data"), dict):  # raw bodies cannot be filtered by key
            request.pop("data", None)
    # SQL breadcrumbs carry their query's parameters: a session key, an e-mail, a token.
    crumbs = event.get("breadcrumbs")
    values = crumbs.get("values") if isinstance(crumbs, dict) else crumbs
    for crumb in values if isinstance(values, list) else []:
        if isinstance(crumb, dict) and isinstance(crumb.get("data"), dict):
            crumb["data"].pop("db.params", None)
    tags = event.get("tags")
    city_tag = tags.get("city") if isinstance(tags, dict) else None
    event = _scrub(event)
    if city_tag is None:
        city_tag = _current_city_slug()
    if city_tag:
        event.setdefault("tags", {})["city"] = city_tag
    return event


def _current_city_slug() -> str | None:
    """Outside a request (Celery tasks) the connection's tenant tells which city we serve."""
    try:
        from django.db import connection

        tenant = getattr(connection, "tenant", None)
        return getattr(tenant, "slug", None)
    except Exception:
        return None


def init_sentry(*, dsn: str, environment: str, transport: Any = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment,
        # Supersedes send_default_pii (left at its default, off): no user identity, bodies,
        # cookies or local variables are collected; before_send scrubs whatever remains.
        "data_collection": {
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
        },
        "before_send": scrub_event,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        "traces_sample_rate": 0.0,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
