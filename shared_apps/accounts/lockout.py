"""django-axes, as Tremplin runs it: wrong passwords counted per (account, client) pair in the
"limits" cache (per city), a French 429 with Retry-After once locked, and Redis down is
"not counted", never a 500 (settings/auth.py has the numbers)."""

from __future__ import annotations

import logging

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from kernel.errors import RateLimited

from .limits import rate_limited_response

logger = logging.getLogger(__name__)

LOCKED_MESSAGE = (
    "Trop d'essais de mot de passe pour ce compte : la connexion est bloquée pendant "
    "{minutes} minutes. Si tu as oublié ton mot de passe, choisis-en un nouveau avec "
    "« Mot de passe oublié ? »."
)


class FailOpenCacheHandler(AxesCacheHandler):
    """Axes' cache handler on the per-schema "limits" cache, looked up on each call (the cache
    of the current thread), and quiet while Redis is unreachable: the cache then answers "no
    failure" and cannot count one (kernel.redis_cache), so sign-in goes on without lockout."""

    def __init__(self) -> None:  # no cache kept from the thread that built the handler
        pass

    @property
    def cache(self):
        return caches[settings.AXES_CACHE]

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        except ValueError:  # `incr` of a key the unreachable cache could not `add`
            logger.warning("Lockout counter not updated: the limits cache is unreachable")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """Axes' answer to a locked (account, client) pair: 429, Retry-After the cool-off (each
    refused attempt starts it again), the JSON error on the API, the French page elsewhere."""
    seconds = int(get_cool_off(request).total_seconds())
    message = LOCKED_MESSAGE.format(minutes=max(1, seconds // 60))
    return rate_limited_response(request, RateLimited(message, retry_after=seconds))
