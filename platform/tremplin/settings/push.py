"""Web Push (tenant_apps/matching/push.py): the VAPID key pair that signs our pushes, and the
push services whose endpoints we accept (a subscription's endpoint is a URL we POST to).

Production: generate the pair once (`vapid --gen`, or any P-256 key) and set
TREMPLIN_VAPID_PUBLIC_KEY (base64url of the uncompressed point, what browsers are given) and
TREMPLIN_VAPID_PRIVATE_KEY (base64url of the 32-byte secret). Unset: push is off, the inbox and
e-mails still work. In development (DEBUG) a pair is made once and kept in var/vapid.json.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from .env import env_bool, env_list, env_str

TREMPLIN_VAPID_PUBLIC_KEY = env_str("TREMPLIN_VAPID_PUBLIC_KEY", "")
TREMPLIN_VAPID_PRIVATE_KEY = env_str("TREMPLIN_VAPID_PRIVATE_KEY", "")
# Who to contact about our pushes (the push services' requirement).
TREMPLIN_VAPID_SUBJECT = env_str("TREMPLIN_VAPID_SUBJECT", "mailto:contact@tremplin.fr")
# The browsers' push services (Chrome/Android, Firefox, Safari/iOS 16.4+, Edge), fnmatch patterns.
TREMPLIN_PUSH_SERVICES = env_list(
    "TREMPLIN_PUSH_SERVICES",
    [
        "https://fcm.googleapis.com/*",
        "https://updates.push.services.mozilla.com/*",
        "https://*.push.apple.com/*",
        "https://*.notify.windows.com/*",
    ],
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def development_vapid_keys(path: Path) -> tuple[str, str]:
    """(public, private) from `path`, made on the first call (a P-256 pair, mode 0600)."""
    if path.exists():
        data = json.loads(path.read_text())
        return data["public"], data["private"]
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    public = _b64(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    private = _b64(key.private_numbers().private_value.to_bytes(32, "big"))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump({"public": public, "private": private}, handle)
    return public, private


if (
    not TREMPLIN_VAPID_PRIVATE_KEY
    and env_bool("DJANGO_DEBUG", True)
    and env_bool("TREMPLIN_DEV_PUSH", True)
):
    _VAR = Path(__file__).resolve().parents[3] / "var"
    if _VAR.is_dir():
        TREMPLIN_VAPID_PUBLIC_KEY, TREMPLIN_VAPID_PRIVATE_KEY = development_vapid_keys(
            _VAR / "vapid.json"
        )
