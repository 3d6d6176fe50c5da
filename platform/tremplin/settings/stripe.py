"""Stripe billing (used by shared_apps.billing)."""

from .env import env_str

# STRIPE
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Lets tests point the real stripe library at a local fake server.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
