"""`Authorization: Bearer <token>`, looked up in the current schema only.

A token's row (and its user) is kept CACHE_TTL seconds in the platform cache under the schema and
the token's digest, so a warm API call makes no query. Revoking a token, or changing its user
(deactivated, role, password…), deletes the entry and leaves a tombstone beside it for longer
than an entry lives: every process reads both keys in one round trip, so a revoked token stops
working at once everywhere, even against a process that re-cached the old row meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import authentication, exceptions

from tenants.cache import platform_cache

from .models import ApiToken, User, digest

CACHE_TTL = 60  # seconds; also how stale `last_used_at` may get
TOMBSTONE_TTL = CACHE_TTL + 30


def _keys(schema: str, key_digest: str) -> tuple[str, str]:
    return (f"accounts:token:{schema}:{key_digest}",
            f"accounts:token-revoked:{schema}:{key_digest}")  # fmt: skip


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header.")
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        key_digest = digest(raw)
        entry_key, tombstone_key = _keys(connection.schema_name, key_digest)
        found = platform_cache.get_many([entry_key, tombstone_key])
        cached = found.get(entry_key)
        if tombstone_key not in found and isinstance(cached, tuple) and len(cached) == 2:
            return cached
        token = ApiToken.objects.select_related("user").filter(key_digest=key_digest).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        # Record use at most once a minute: no write on every request.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        if tombstone_key not in found:
            platform_cache.set(entry_key, (token.user, token), timeout=CACHE_TTL)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


def tokens_forget(key_digests: Iterable[str], schema: str | None = None) -> None:
    """Make these tokens' cached rows unusable in every process, now and after commit."""
    schema = schema or connection.schema_name
    pairs = [_keys(schema, key_digest) for key_digest in key_digests]
    if not pairs:
        return

    def forget() -> None:
        platform_cache.set_many({tombstone: 1 for _entry, tombstone in pairs},
                                timeout=TOMBSTONE_TTL)  # fmt: skip
        platform_cache.delete_many([entry for entry, _tombstone in pairs])

    forget()
    transaction.on_commit(forget)


@receiver(post_delete, sender=ApiToken)
def token_revoked(instance: ApiToken, **kwargs) -> None:
    tokens_forget([instance.key_digest])


@receiver(post_save, sender=User)
def token_user_changed(instance: User, created: bool = False, **kwargs) -> None:
    if not created:
        tokens_forget(instance.api_tokens.values_list("key_digest", flat=True))
