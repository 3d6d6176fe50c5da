"""Stripe billing (used by shared_apps.billing)."""

from .env import env_str

# STRIPE
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Lets tests point the real stripe library at a local fake server.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
# Plans a city can subscribe to: key -> Stripe price id, label shown to operators, monthly
# amount in euros (display only; Stripe's price is what is charged), and the features the plan
# allows (keys of tenants/features.py). Choosing a plan allows its features and withdraws the
# others the previous plan allowed (at the paid period's end for a downgrade); an operator's
# override of one feature for one city outlives plan changes. Kept here, next to the Stripe
# prices they go with, rather than in a model: a plan changes with a price, in a release.
TREMPLIN_PLANS = {
    "essentiel": {
        "price": env_str("STRIPE_PRICE_ESSENTIEL", "price_tremplin_essentiel"),
        "label": "Essentiel",
        "monthly_eur": 290,
        "features": ["notifications"],
    },
    "territoire": {
        "price": env_str("STRIPE_PRICE_TERRITOIRE", "price_tremplin_territoire"),
        "label": "Territoire",
        "monthly_eur": 690,
        "features": ["notifications", "mentors", "diagnostic_export", "custom_domain"],
    },
}
# Days a city may stay past due (a payment failed) before billing suspends it.
TREMPLIN_BILLING_GRACE_DAYS = 7
