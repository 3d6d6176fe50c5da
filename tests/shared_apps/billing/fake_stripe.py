"""A small fake of the Stripe API for tests, and signed webhook events.

The real `stripe` library talks to this server (api base pointed at it): it answers the
endpoints billing calls with JSON shaped like Stripe's and records every request. Webhook
payloads are signed with the library's own helper, `stripe.WebhookSignature`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import stripe

WEBHOOK_SECRET = "whsec_tremplin_test"
SECRET_KEY = "sk_test_tremplin"


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    authorization: str


@dataclass
class FakeStripe:
    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    subscription_status: dict[str, str] = field(default_factory=dict)
    # (method, path) -> (status, body): answered instead of the normal response (see refuse()).
    refusals: dict[tuple[str, str], tuple[int, dict]] = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def reset(self) -> None:
        self.requests.clear()
        self.subscription_status.clear()
        self.refusals.clear()

    def refuse(self, method: str, path: str, message: str, *, status: int = 400) -> None:
        """Make Stripe answer this endpoint with an error (until reset)."""
        self.refusals[(method, path)] = (status, _error(message))

    def answer(self, method: str, path: str, params: dict[str, str]) -> tuple[int, dict]:
        n = next(self.counter)
        if (method, path) in self.refusals:
            return self.refusals[(method, path)]
        now = int(time.time())
        if (method, path) == ("POST", "/v1/customers"):
            return 200, {
                "id": f"cus_fake{n}",
                "object": "customer",
                "created": now,
                "email": params.get("email"),
                "name": params.get("name"),
                "metadata": _nested(params, "metadata"),
                "livemode": False,
            }
        if (method, path) == ("POST", "/v1/checkout/sessions"):
            return 200, {
                "id": f"cs_test_fake{n}",
                "object": "checkout.session",
                "created": now,
                "mode": params.get("mode"),
                "customer": params.get("customer"),
                "client_reference_id": params.get("client_reference_id"),
                "metadata": _nested(params, "metadata"),
                "status": "open",
                "payment_status": "unpaid",
                "success_url": params.get("success_url"),
                "cancel_url": params.get("cancel_url"),
                "url": f"https://checkout.stripe.test/c/pay/cs_test_fake{n}",
                "livemode": False,
            }
        if (method, path) == ("POST", "/v1/billing_portal/sessions"):
            return 200, {
                "id": f"bps_fake{n}",
                "object": "billing_portal.session",
                "created": now,
                "customer": params.get("customer"),
                "return_url": params.get("return_url"),
                "url": f"https://billing.stripe.test/p/session/bps_fake{n}",
                "livemode": False,
            }
        if method == "GET" and path.startswith("/v1/subscriptions/"):
            sub_id = path.rsplit("/", 1)[1]
            if sub_id not in self.subscription_status:
                return 404, _error(f"No such subscription: '{sub_id}'")
            return 200, subscription(sub_id, "cus_unknown", self.subscription_status[sub_id])
        return 404, _error(f"Unrecognized request URL ({method}: {path}).")


def _error(message: str) -> dict:
    return {"error": {"type": "invalid_request_error", "message": message}}


def _nested(params: dict[str, str], prefix: str) -> dict[str, str]:
    """metadata[city]=x -> {"city": "x"} (Stripe's form encoding)."""
    start = prefix + "["
    return {k[len(start) : -1]: v for k, v in params.items() if k.startswith(start)}


def start_fake_stripe() -> FakeStripe:
    fake: FakeStripe

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            params = dict(parse_qsl(body or query, keep_blank_values=True))
            fake.requests.append(
                Recorded(self.command, path, params, self.headers.get("Authorization", ""))
            )
            status, payload = fake.answer(self.command, path, params)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_fake{len(fake.requests)}")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _handle

        def log_message(self, *args) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake = FakeStripe(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake


# Webhook events, shaped like Stripe's (API version 2025+).


def subscription(
    sub_id: str,
    customer: str,
    status: str,
    *,
    city: str = "",
    price: str = "price_tremplin_essentiel",
    period_end: int | None = None,
    trial_end: int | None = None,
) -> dict:
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "metadata": {"city": city} if city else {},
        "trial_end": trial_end,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_{sub_id}",
                    "object": "subscription_item",
                    "price": {"id": price, "object": "price"},
                    "current_period_end": period_end or int(time.time()) + 30 * 86400,
                }
            ],
        },
    }


def invoice(inv_id: str, customer: str, sub_id: str, *, amount_paid: int = 29000) -> dict:
    return {
        "id": inv_id,
        "object": "invoice",
        "customer": customer,
        "amount_paid": amount_paid,
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": sub_id},
        },
    }


def checkout_session(cs_id: str, customer: str, sub_id: str, city: str) -> dict:
    return {
        "id": cs_id,
        "object": "checkout.session",
        "mode": "subscription",
        "customer": customer,
        "subscription": sub_id,
        "client_reference_id": city,
        "metadata": {"city": city},
        "status": "complete",
        "payment_status": "paid",
    }


def event(event_id: str, type_: str, obj: dict, created: int) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2025-08-27.basil",
        "created": created,
        "type": type_,
        "livemode": False,
        "data": {"object": obj},
    }


def signed(evt: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """(payload, Stripe-Signature header) as Stripe would send them."""
    payload = json.dumps(evt)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return payload, header
