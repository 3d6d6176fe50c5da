"""Web Push (issue 14, item 6): a young person subscribes a device, what reaches their inbox
is pushed there (encrypted, VAPID-signed) through the real pywebpush against a local fake push
service; the weekly cap holds; a gone subscription is forgotten; endpoints outside the known
push services are refused; another city sees nothing."""

from __future__ import annotations

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.matching import notifications, push
from tenant_apps.matching.models import InboxMessage, NotificationSettings, PushSubscription
from tenant_apps.matching.services import inbox_add
from tenants.context import in_city

from .test_notifications import switch_on, young

URL = "/api/v1/me/push-subscriptions/"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class FakePushService(ThreadingHTTPServer):
    """Answers like FCM / Mozilla's autopush: 201 Created, or 410 Gone under /gone/."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )
        self.send_response(410 if self.path.startswith("/gone/") else 201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def service(settings):
    server = FakePushService()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    key = ec.generate_private_key(ec.SECP256R1())
    settings.TREMPLIN_VAPID_PRIVATE_KEY = b64(
        key.private_numbers().private_value.to_bytes(32, "big")
    )
    settings.TREMPLIN_VAPID_PUBLIC_KEY = b64(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    settings.TREMPLIN_PUSH_SERVICES = [f"{server.base}/*"]
    yield server
    server.shutdown()
    server.server_close()


class Device:
    """A browser's side of a subscription: its P-256 key pair and auth secret."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self) -> dict:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64(public), "auth": b64(self.auth)},
        }

    def read(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


@pytest.fixture
def lina(grigny, make_user):
    user = young(make_user, grigny, "lina@grigny.test", interests=["sport"])
    with in_city(grigny):
        return user, token_create(user=user)


def test_a_subscribed_phone_gets_the_inbox_message_encrypted_and_signed(
    api_for, grigny, lina, service, django_capture_on_commit_callbacks, monkeypatch
):
    user, token = lina
    device = Device(f"{service.base}/push/abc")
    response = api_for(grigny, token).post(URL, device.subscription(), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["endpoint"] == device.endpoint
    queued: list[list[int]] = []
    monkeypatch.setattr("tenant_apps.matching.tasks.push_deliver.delay", queued.append)
    with in_city(grigny):
        assert NotificationSettings.objects.get(user=user).push_enabled
        with django_capture_on_commit_callbacks(execute=True):
            message = inbox_add(user=user, title="Demain : atelier CV", body="À 14 h", link="/x/")
        assert queued == [[message.pk]]
        assert push.deliver(city=grigny, message_ids=queued[0]) == 1
    (received,) = service.received
    assert received["path"] == "/push/abc"
    assert received["headers"]["content-encoding"] == "aes128gcm"
    assert received["headers"]["authorization"].startswith("vapid t=")
    assert int(received["headers"]["ttl"]) == push.TTL_SECONDS
    payload = device.read(received["body"])
    assert payload["title"] == "Demain : atelier CV" and payload["body"] == "À 14 h"
    assert payload["url"].endswith("/x/") and "grigny" in payload["url"]


def test_the_weekly_cap_holds_for_pushes(
    grigny, lina, publish, settings, service, monkeypatch, api_for
):
    settings.TREMPLIN_NOTIFICATIONS_PER_WEEK = 2
    switch_on(grigny)
    user, token = lina
    api_for(grigny, token).post(URL, Device(f"{service.base}/p/1").subscription(), format="json")
    queued: list[list[int]] = []
    monkeypatch.setattr(push, "_queue", queued.append)
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda fn, robust=False: fn()
    )  # run at once
    offers = [publish(grigny, kind="emploi", title=f"Job {i}", themes=["sport"]) for i in range(4)]
    with in_city(grigny):
        for offer in offers:
            notifications.notify_offer_published(city=grigny, offer_id=offer.pk)
        assert InboxMessage.objects.filter(user=user).count() == 2
    assert sum(len(ids) for ids in queued) == 2


def test_no_push_when_turned_off_and_a_gone_subscription_is_forgotten(
    api_for, grigny, lina, service
):
    user, token = lina
    client = api_for(grigny, token)
    assert (
        client.post(URL, Device(f"{service.base}/gone/1").subscription(), format="json").status_code
        == 201
    )
    with in_city(grigny):
        message = InboxMessage.objects.create(user=user, title="Nouveau job")
        assert push.deliver(city=grigny, message_ids=[message.pk]) == 0
        assert not PushSubscription.objects.exists()  # 410 Gone: never tried again
    client.post(URL, Device(f"{service.base}/push/2").subscription(), format="json")
    assert (
        client.patch("/api/v1/me/notifications/", {"push": False}, format="json").status_code == 200
    )
    with in_city(grigny):
        assert push.deliver(city=grigny, message_ids=[message.pk]) == 0
    assert [r["path"] for r in service.received] == ["/gone/1"]


def test_garbage_and_foreign_endpoints_are_refused_with_the_error_shape(
    api_for, grigny, lina, service, make_user
):
    _user, token = lina
    client = api_for(grigny, token)
    good = Device(f"{service.base}/push/ok").subscription()
    cases = [
        {**good, "endpoint": "https://evil.example/collect"},  # not a push service
        {**good, "endpoint": "http://169.254.169.254/latest/"},
        {**good, "keys": {"p256dh": "pas-une-cle", "auth": good["keys"]["auth"]}},
        {**good, "keys": {"p256dh": good["keys"]["p256dh"], "auth": "AAAA"}},
        {"endpoint": good["endpoint"]},
        "n'importe quoi",
    ]
    for body in cases:
        response = client.post(URL, body, format="json")
        assert response.status_code == 400, body
        error = response.json()["error"]
        assert error["code"] and error["message"] and isinstance(error["fields"], dict)
    with in_city(grigny):
        assert not PushSubscription.objects.exists()
    assert api_for(grigny).post(URL, good, format="json").status_code in (401, 403)
    staff = make_user(grigny, "editeur@grigny.test", Role.EDITOR)
    with in_city(grigny):
        staff_token = token_create(user=staff)
    assert api_for(grigny, staff_token).post(URL, good, format="json").status_code == 403


def test_the_device_key_must_be_a_p256_point_and_auth_16_bytes(api_for, grigny, lina, service):
    """A key of the right length is not enough: it must be an uncompressed point of P-256 (what
    the payload is encrypted to), else the first push would fail in the worker, unseen."""
    _user, token = lina
    client = api_for(grigny, token)
    good = Device(f"{service.base}/push/ok").subscription()
    point = base64.urlsafe_b64decode(good["keys"]["p256dh"] + "==")
    compressed = (
        Device("x")
        .key.public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    )
    not_on_curve = b"\x04" + point[1:33] + bytes(32)  # x of a real key, y = 0: off the curve
    bad_keys = {
        "keys.p256dh": [
            b64(b"\x04" + bytes(64)),  # the point at (0, 0)
            b64(not_on_curve),
            b64(b"\x02" + point[1:]),  # 65 bytes, not the uncompressed prefix
            b64(compressed),  # 33 bytes
            b64(point + b"\x00"),
            42,
        ],
        "keys.auth": [b64(bytes(15)), b64(bytes(17)), "", "é" * 22],
    }
    for field, values in bad_keys.items():
        for value in values:
            name = field.split(".")[1]
            body = {**good, "keys": {**good["keys"], name: value}}
            response = client.post(URL, body, format="json")
            assert response.status_code == 400, (field, value)
            error = response.json()["error"]
            assert error["code"] and error["message"], (field, value)
            assert field in error["fields"] or name in str(error["fields"]), (field, value)
    with in_city(grigny):
        assert not PushSubscription.objects.exists()
    unpadded = client.post(URL, good, format="json")
    padded = {**good, "keys": {"p256dh": b64(point) + "=", "auth": good["keys"]["auth"] + "=="}}
    assert unpadded.status_code == 201
    assert client.post(URL, padded, format="json").status_code in (200, 201)
    with in_city(grigny):
        assert PushSubscription.objects.count() == 1


def test_another_city_sees_nothing_and_the_device_can_unsubscribe(
    api_for, grigny, gennevilliers, lina, service
):
    _user, token = lina
    device = Device(f"{service.base}/push/iso")
    assert api_for(grigny, token).post(URL, device.subscription(), format="json").status_code == 201
    assert (
        api_for(gennevilliers, token).post(URL, device.subscription(), format="json").status_code
        == 401
    )
    with in_city(gennevilliers):
        assert not PushSubscription.objects.exists()
    gone = api_for(grigny, token).delete(URL, {"endpoint": device.endpoint}, format="json")
    assert gone.status_code == 204
    with in_city(grigny):
        assert not PushSubscription.objects.exists()
