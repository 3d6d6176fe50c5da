"""Web Push to a young person's phone (pywebpush, VAPID keys from settings): every message that
lands in their inbox (a new offer that fits, an appointment, a reminder) is also pushed to the
devices they subscribed, when they turned push on. The inbox's weekly cap therefore holds for
pushes too: nothing is pushed that was not put in the inbox.

Subscriptions come from the browser (`POST /api/v1/me/push-subscriptions/`); their endpoint is a
URL we POST to, so only the push services in TREMPLIN_PUSH_SERVICES are accepted (no request to
an address someone typed). Sending runs in Celery (tasks.push_deliver), after the commit.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Iterable
from fnmatch import fnmatch
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kernel.errors import ValidationFailed

from tenants.models import build_url

from .models import InboxMessage, NotificationSettings, PushSubscription

logger = logging.getLogger(__name__)

TTL_SECONDS = 24 * 3600  # a push not delivered within a day is not worth delivering
SEND_TIMEOUT = 10


def vapid_public_key() -> str:
    return getattr(settings, "TREMPLIN_VAPID_PUBLIC_KEY", "")


def push_available() -> bool:
    """True when this deployment can push (both VAPID keys configured)."""
    return bool(vapid_public_key() and getattr(settings, "TREMPLIN_VAPID_PRIVATE_KEY", ""))


def _allowed_endpoint(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username:
        return False
    return any(fnmatch(endpoint, pattern) for pattern in settings.TREMPLIN_PUSH_SERVICES)


def _invalid_key(field: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        "Cet abonnement aux notifications n'est pas valide.",
        code="invalid_subscription",
        fields={field: [why]},
    )


def _key(value, *, size: int, field: str) -> tuple[str, bytes]:
    """A base64url key of exactly `size` bytes (padding optional): (its text, its bytes)."""
    text = str(value).strip() if isinstance(value, str) else ""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)) if text else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise _invalid_key(field, f"Clé invalide : {size} octets en base64url attendus.")
    return text, raw


def _device_key(value) -> str:
    """The device's public key (`keys.p256dh`): an uncompressed point of the P-256 curve (65
    bytes, 0x04 first), which the payload is encrypted to. Anything else would only fail at the
    first push, in the worker, far from the browser that sent it."""
    from cryptography.hazmat.primitives.asymmetric import ec

    text, raw = _key(value, size=65, field="keys.p256dh")
    if raw[0] != 0x04:
        raise _invalid_key("keys.p256dh", "Clé invalide : point P-256 non compressé attendu.")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise _invalid_key(
            "keys.p256dh", "Clé invalide : ce point n'est pas sur la courbe P-256."
        ) from None
    return text


@transaction.atomic
def subscription_save(*, user, data: dict) -> PushSubscription:
    """Store the browser's PushSubscription JSON for `user` and turn push on for them. The same
    device subscribing again (same endpoint) updates its row, whoever had it before."""
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    endpoint = str(data.get("endpoint") or "").strip()
    if len(endpoint) > 1000 or not _allowed_endpoint(endpoint):
        raise ValidationFailed(
            "Ce navigateur n'utilise pas un service de notifications que nous connaissons.",
            code="invalid_subscription",
            fields={"endpoint": ["Adresse de service de notifications non acceptée."]},
        )
    p256dh = _device_key(keys.get("p256dh", ""))
    auth, _raw = _key(keys.get("auth", ""), size=16, field="keys.auth")
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    from .services import notification_settings_for

    NotificationSettings.objects.filter(pk=notification_settings_for(user=user).pk).update(
        push_enabled=True
    )
    return subscription


def subscription_delete(*, user, endpoint: str) -> int:
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def push_messages(message_ids: Iterable[int]) -> None:
    """Queue the push of these inbox messages, once the transaction that made them commits,
    for those whose owner has a subscribed device (most have none: no task at all)."""
    ids = sorted(set(message_ids))
    if not ids or not push_available():
        return
    ids = list(
        InboxMessage.objects.filter(
            pk__in=ids,
            user__push_subscriptions__isnull=False,
            user__notification_settings__push_enabled=True,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    if ids:
        transaction.on_commit(lambda: _queue(ids), robust=True)


def _queue(ids: list[int]) -> None:
    from .tasks import push_deliver

    try:
        push_deliver.delay(ids)
    except Exception:  # broker down: the inbox has the message, the push is lost
        logger.warning("Could not queue %d push(es)", len(ids), exc_info=True)


def _payload(message: InboxMessage, host: str) -> str:
    path = message.link if message.link.startswith("/") else "/mes-messages/"
    link = build_url(host, path)
    return json.dumps(
        {"title": message.title, "body": message.body[:240], "url": link, "tag": f"m{message.pk}"},
        ensure_ascii=False,
    )


def deliver(*, city, message_ids: Iterable[int]) -> int:
    """Push each message to its owner's devices if they turned push on; forget subscriptions
    the push service says are gone. Returns the number of pushes accepted."""
    from pywebpush import WebPushException, webpush

    messages = list(
        InboxMessage.objects.filter(
            pk__in=list(message_ids),
            user__is_active=True,
            user__notification_settings__push_enabled=True,
        )
    )
    if not messages or not push_available():
        return 0
    devices: dict[int, list[PushSubscription]] = {}
    for subscription in PushSubscription.objects.filter(user_id__in={m.user_id for m in messages}):
        devices.setdefault(subscription.user_id, []).append(subscription)
    claims = {"sub": getattr(settings, "TREMPLIN_VAPID_SUBJECT", "mailto:contact@tremplin.fr")}
    sent = 0
    for message in messages:
        data = _payload(message, city.primary_host)
        for subscription in devices.get(message.user_id, []):
            info = {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            }
            try:
                webpush(
                    info, data=data, vapid_private_key=settings.TREMPLIN_VAPID_PRIVATE_KEY,
                    vapid_claims=dict(claims), ttl=TTL_SECONDS, timeout=SEND_TIMEOUT,
                )  # fmt: skip
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in (404, 410):  # unsubscribed or expired: never again
                    subscription.delete()
                else:
                    logger.warning("Push refused (%s) for subscription %s", status, subscription.pk)
                continue
            except Exception:  # the service unreachable: the inbox still has it
                logger.warning("Push failed for subscription %s", subscription.pk, exc_info=True)
                continue
            sent += 1
            PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
    return sent
