"""Response headers every page of both hosts carries: Content-Security-Policy (django-csp 4)
and the browser protections Django's SecurityMiddleware sets. HSTS, secure cookies and the
HTTPS redirect are switched on in production.py."""

from csp.constants import NONCE, NONE, SELF

from .env import env_list

# CONTENT SECURITY POLICY
# No inline script or style runs without the response's nonce (`request.csp_nonce`, put on
# the service worker registration and the brand colours in base.html); no inline event
# handler or style attribute runs at all. Only the Swagger UI page relaxes styles
# (tremplin.api_docs).
CSP_STRIPE_ORIGINS = ["https://checkout.stripe.com", "https://billing.stripe.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Offers imported from partners' catalogues show their own (https) pictures.
        "img-src": [SELF, "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        # Forms post here; the checkout and billing portal forms are answered with a 303 to
        # Stripe, which browsers check against form-action too.
        "form-action": [SELF, *CSP_STRIPE_ORIGINS],
        # Where browsers report violations (empty: nowhere). A Sentry CSP endpoint works.
        "report-uri": env_list("DJANGO_CSP_REPORT_URI") or None,
    },
}


def csp_for_plain_http(policy: dict, *, base_domain: str, port: str) -> dict:
    """`policy` with the city hosts' plain-http origin allowed for images: in development, a
    story another city shared shows its photo from that city's host (http://grigny.localhost:
    8000/media/…), which "https:" does not cover. A copy: the production policy is untouched
    (production.py takes it back)."""
    origin = f"http://*.{base_domain}" + (f":{port}" if port else "")
    directives = dict(policy["DIRECTIVES"])
    directives["img-src"] = [*directives["img-src"], origin]
    return {**policy, "DIRECTIVES": directives}


# BROWSER PROTECTIONS (Django's defaults, written down: `check --deploy` reads them)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
