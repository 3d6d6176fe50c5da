from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from .fake_stripe import SECRET_KEY, WEBHOOK_SECRET, FakeStripe, start_fake_stripe


@pytest.fixture(scope="session")
def _fake_stripe_server() -> Iterator[FakeStripe]:
    fake = start_fake_stripe()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def fake_stripe(_fake_stripe_server) -> Iterator[FakeStripe]:
    """The real stripe library pointed at a local fake Stripe; requests are recorded."""
    _fake_stripe_server.reset()
    with override_settings(
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=_fake_stripe_server.url,
    ):
        yield _fake_stripe_server
