"""Sessions that owe a second factor, and the 429 page of the credential paths."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from kernel.errors import RateLimited

from .limits import rate_limited_response
from .models import Role
from .two_factor import two_factor_needed


class TwoFactorMiddleware:
    """Signs out a session of an operator, or of a city admin who turned two-factor
    authentication on, that did not pass the second factor: opened before it was required or
    turned on, or forced in by other means. The sign-in page asks for the code (views.py).
    After django-otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            # Only these roles can owe a second factor: other sessions cost no query here.
            and user.role in (Role.OPERATOR, Role.ADMIN)
            and not user.is_verified()
            and two_factor_needed(user)
        ):
            logout(request)
        return self.get_response(request)


class RateLimitedMiddleware:
    """A page whose service raised RateLimited answers the French 429 page, with Retry-After
    (API views answer through kernel.api's exception handler instead)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, RateLimited):
            return rate_limited_response(request, exception)
        return None
