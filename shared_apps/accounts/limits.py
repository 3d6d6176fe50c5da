"""Rate limits on the credential paths (django-ratelimit), counted in the "limits" cache.

Each limit counts attempts per client (its address, clients.client_ip) or per account (the
e-mail address an attempt names, from any client) in the schema of the host: a city's counters
are not another's. The rates are settings (TREMPLIN_RATE_LIMITS in settings/auth.py). Past a
rate, `limit_hit` raises RateLimited: the API answers it with the JSON error (kernel.api), pages
with the French 429 page (middleware.RateLimitedMiddleware), both with Retry-After.

Wrong passwords are also locked out per (account, client) pair by django-axes (lockout.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage
from kernel.errors import RateLimited

from .clients import client_ip, normalize_email

CLIENT, ACCOUNT = "client", "account"


@dataclass(frozen=True)
class Limit:
    name: str  # its key in settings.TREMPLIN_RATE_LIMITS
    per: str  # CLIENT or ACCOUNT

    @property
    def rate(self) -> str:
        return settings.TREMPLIN_RATE_LIMITS[self.name]


SIGN_IN_CLIENT = Limit("sign_in_client", CLIENT)
SIGN_IN_ACCOUNT_FAILURES = Limit("sign_in_account_failures", ACCOUNT)
SIGN_UP_CLIENT = Limit("sign_up_client", CLIENT)
SIGN_UP_ACCOUNT = Limit("sign_up_account", ACCOUNT)
PASSWORD_RESET_CLIENT = Limit("password_reset_client", CLIENT)
PASSWORD_RESET_MAILS = Limit("password_reset_mails", ACCOUNT)
PASSWORD_RESET_CONFIRM_CLIENT = Limit("password_reset_confirm_client", CLIENT)
INVITATION_CLIENT = Limit("invitation_client", CLIENT)
VERIFY_EMAIL_CLIENT = Limit("verify_email_client", CLIENT)
# Not a credential, but an anonymous write: answers to the city's polls (tenant_apps.voice).
POLL_ANSWER_CLIENT = Limit("poll_answer_client", CLIENT)
VERIFY_EMAIL_RESEND_ACCOUNT = Limit("verify_email_resend_account", ACCOUNT)
VERIFY_EMAIL_RESEND_CLIENT = Limit("verify_email_resend_client", CLIENT)
TWO_FACTOR_ACCOUNT = Limit("two_factor_account", ACCOUNT)
TWO_FACTOR_CLIENT = Limit("two_factor_client", CLIENT)


def _usage(request: HttpRequest, limit: Limit, account: str | None, *, increment: bool):
    if limit.per == ACCOUNT:
        value = normalize_email(account)
        if not value:
            return None  # no account named: the per-client limit covers it
    else:
        value = client_ip(request)
    # django-ratelimit hashes group, rate, value and window into the key: no address is
    # stored in clear. None when the cache cannot count (Redis down: RATELIMIT_FAIL_OPEN).
    return get_usage(
        request,
        group=f"tremplin.{limit.name}",
        key=lambda _group, _request: value,
        rate=limit.rate,
        increment=increment,
    )


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Trop de tentatives : réessaie dans {minutes} {unit}."


def _refuse(usage: dict) -> RateLimited:
    retry_after = max(1, int(usage["time_left"]))
    return RateLimited(wait_message(retry_after), retry_after=retry_after)


def limit_hit(request: HttpRequest, *limits: Limit, account: str | None = None) -> None:
    """Count one attempt against each limit; RateLimited if one of them is exceeded."""
    for limit in limits:
        usage = _usage(request, limit, account, increment=True)
        if usage is not None and usage["should_limit"]:
            raise _refuse(usage)


def limit_check(request: HttpRequest, *limits: Limit, account: str | None = None) -> None:
    """RateLimited if one of the limits is already exceeded; counts nothing."""
    for limit in limits:
        usage = _usage(request, limit, account, increment=False)
        if usage is not None and usage["count"] >= usage["limit"]:
            raise _refuse(usage)


def limit_allows(request: HttpRequest, limit: Limit, *, account: str | None = None) -> bool:
    """Count one attempt; whether it is still within the limit (for what must answer the same
    either way, such as a reset mail: the form never says it sent nothing)."""
    usage = _usage(request, limit, account, increment=True)
    return usage is None or not usage["should_limit"]


def rate_limited_response(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The 429 answer: the JSON error on the API, the French page elsewhere."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(exc.as_dict(), status=exc.status_code)
    else:
        response = render(
            request, "accounts/rate_limited.html", {"message": exc.message}, status=429
        )
    response["Retry-After"] = str(exc.retry_after)
    return response


def count_sign_in_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    """user_login_failed: one more failure on the account, from whichever client (checked
    before each sign-in by SIGN_IN_ACCOUNT_FAILURES)."""
    if request is not None:
        limit_allows(request, SIGN_IN_ACCOUNT_FAILURES, account=credentials.get("username"))
