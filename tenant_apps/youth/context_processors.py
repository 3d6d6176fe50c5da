"""Template context for young people: is their e-mail address still unconfirmed?"""

from __future__ import annotations

from django.http import HttpRequest


def youth(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "role", None) != "youth":
        return {}
    from .models import YouthProfile

    verified = (
        YouthProfile.objects.filter(user=user).values_list("email_verified_at", flat=True).first()
    )
    return {"email_unverified": verified is None}
