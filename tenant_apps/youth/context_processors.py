"""Template context for young people: is their e-mail address still unconfirmed?"""

from __future__ import annotations

from django.http import HttpRequest


def youth(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "role", None) != "youth":
        return {}
    from .models import YouthProfile

    # Accounts made without sign-up (demo, staff tools) have no profile row: no banner for them.
    unverified = YouthProfile.objects.filter(user=user, email_verified_at__isnull=True).exists()
    return {"email_unverified": unverified}
