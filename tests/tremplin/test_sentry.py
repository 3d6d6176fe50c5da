"""Errors reach Sentry tagged with the city and without personal data."""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from django.test import Client, override_settings
from django.urls import path
from sentry_sdk.transport import Transport
from tremplin.observability import init_sentry, scrub_event
from tremplin.urls_common import common_patterns


class CapturingTransport(Transport):
    """Keeps envelopes in memory instead of sending them."""

    def __init__(self, options=None) -> None:
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope) -> None:
        for item in envelope.items:
            if item.type == "event":
                self.events.append(json.loads(item.payload.get_bytes()))


def boom(request):
    raise ValueError("crash for lea@grigny.test born 2007-04-12")


urlpatterns = [path("boom/", boom), *common_patterns(urlconf=__name__)]


@pytest.fixture
def sentry_events():
    transport = CapturingTransport()
    init_sentry(dsn="https://public@sentry.example.test/1", environment="test", transport=transport)
    yield transport.events
    sentry_sdk.init(dsn=None)  # back to a disabled client


@override_settings(ROOT_URLCONF=__name__)
def test_error_in_a_city_request_is_tagged_and_scrubbed(grigny, sentry_events):
    client = Client(
        HTTP_HOST="grigny.localhost",
        HTTP_AUTHORIZATION="Bearer secret-token-value",
        raise_request_exception=False,
    )
    client.cookies["sessionid"] = "session-secret"
    response = client.post(
        "/boom/", {"email": "lea@grigny.test", "birth_date": "2007-04-12", "q": "permis"}
    )
    assert response.status_code == 500
    assert len(sentry_events) == 1
    event = sentry_events[0]
    assert event["tags"]["city"] == "grigny"
    payload = json.dumps(event)
    for secret in ("lea@grigny.test", "2007-04-12", "secret-token-value", "session-secret"):
        assert secret not in payload
    assert "ValueError" in payload  # what went wrong is kept


def test_scrubber_drops_personal_fields_everywhere():
    event = {
        "user": {"id": 7, "email": "a@b.test", "ip_address": "1.2.3.4"},
        "request": {
            "headers": {"Authorization": "Bearer abc", "User-Agent": "x"},
            "cookies": {"sessionid": "s"},
            "data": {"password": "p", "display_name": "Léa", "interests": ["sport"]},
        },
        "extra": {"note": "write to lea@x.test", "link": "https://g.test/invitation/SECRET123/"},
        "tags": {"city": "grigny"},
    }
    scrubbed = scrub_event(event)
    assert scrubbed["user"] == {"id": 7}
    assert "cookies" not in scrubbed["request"]
    assert scrubbed["request"]["headers"]["Authorization"] == "[Filtered]"
    assert scrubbed["request"]["data"] == {
        "password": "[Filtered]",
        "display_name": "[Filtered]",
        "interests": ["sport"],
    }
    assert scrubbed["extra"]["note"] == "write to [email]"
    assert "SECRET123" not in scrubbed["extra"]["link"]
    assert scrubbed["tags"]["city"] == "grigny"


def test_sentry_is_off_without_dsn(settings):
    assert settings.SENTRY_DSN == ""
    assert sentry_sdk.get_client().dsn is None
