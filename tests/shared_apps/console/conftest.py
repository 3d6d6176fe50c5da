# The local fake Stripe (real `stripe` library pointed at it), shared with the billing tests.
from tests.shared_apps.billing.conftest import _fake_stripe_server, fake_stripe  # noqa: F401

# The local fake DNS server (real dnspython pointed at it), shared with the tenants tests.
from tests.tenants.conftest import _fake_dns_server, fake_dns  # noqa: F401
