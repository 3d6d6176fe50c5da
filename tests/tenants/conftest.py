from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from .fake_dns import FakeDns, start_fake_dns


@pytest.fixture(scope="session")
def _fake_dns_server() -> Iterator[FakeDns]:
    fake, stop = start_fake_dns()
    yield fake
    stop.set()


@pytest.fixture
def fake_dns(_fake_dns_server) -> Iterator[FakeDns]:
    """The real dnspython resolver pointed at a local DNS server whose TXT records a test sets."""
    _fake_dns_server.reset()
    with override_settings(TREMPLIN_DNS_NAMESERVERS=[_fake_dns_server.nameserver]):
        yield _fake_dns_server
