"""Who is asking: the client's address (behind a known number of proxies) and the account an
attempt names. Lockouts and rate limits count by these two (limits.py, lockout.py)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR without a proxy; behind N trusted proxies, the
    X-Forwarded-For entry N places from the right (each proxy appends the address it got the
    request from). Entries further left are the client's to write, so they are never read:
    the same rule as Django REST framework's NUM_PROXIES, which settings set to the same N."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.TREMPLIN_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded.strip():
        return remote or "unknown"
    entries = [entry.strip() for entry in forwarded.split(",")]
    return entries[-min(proxies, len(entries))] or remote or "unknown"


def normalize_email(email: object) -> str:
    """The form an e-mail address is counted under (and stored under, accounts.services)."""
    return str(email or "").strip().lower()


def credentials_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account an attempt names, for django-axes: "LEA@x.fr " and "lea@x.fr" are one."""
    for name in ("username", "email"):  # authenticate()'s keyword, or the model's field
        if credentials and credentials.get(name) is not None:
            return normalize_email(credentials[name])
    data = getattr(request, "POST", None) or {}
    return normalize_email(data.get("username") or data.get("email"))
