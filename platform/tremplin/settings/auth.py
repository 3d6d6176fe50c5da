"""Credential paths: who the client is, lockouts and rate limits, the second factor.

Every way in that takes a secret (sign-in, API token, sign-up, password reset, invitation,
e-mail verification, two-factor code) is limited per client and per account, in the schema of
the host it is tried on: a lockout in Grigny is not one in Gennevilliers (the "limits" cache's
keys start with the schema, like the default cache's). The limits live in shared_apps.accounts
(limits.py); the numbers are here.
"""

from datetime import timedelta

from .env import env_int

# CLIENT ADDRESS
# How many reverse proxies stand in front of Django. Each appends the address it received the
# request from to X-Forwarded-For, so the client is the entry this many places from the right;
# 0 (no proxy, `manage.py up`) reads REMOTE_ADDR and ignores the header, which anyone can send.
# production.py defaults to 1 (Caddy, or the Kubernetes ingress).
TREMPLIN_TRUSTED_PROXIES = env_int("TREMPLIN_TRUSTED_PROXIES", 0)

# AUTHENTICATION BACKENDS
# django-axes first: it refuses a locked-out (account, client) pair before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# LOCKOUT (django-axes)
# Five wrong passwords for one account from one client lock that pair for 15 minutes, the
# right password included; every refused attempt during the lockout starts the 15 minutes
# again. Counted in the "limits" cache, so per city and without tables in every schema.
AXES_HANDLER = "shared_apps.accounts.lockout.FailOpenCacheHandler"
AXES_CACHE = "limits"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# authenticate(username=…) everywhere (the sign-in form's field is named so too).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "shared_apps.accounts.clients.credentials_username"
AXES_CLIENT_IP_CALLABLE = "shared_apps.accounts.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "shared_apps.accounts.lockout.lockout_response"
AXES_VERBOSE = False

# RATE LIMITS (django-ratelimit, shared_apps/accounts/limits.py): "count/period", the period
# in s, m, h or d ("30/15m": 30 in a 15-minute window). "per client" counts every attempt from
# one address; "per account" counts attempts naming one e-mail address, from any client.
RATELIMIT_USE_CACHE = "limits"
# Redis down: limits are not counted (pages stay up, like the rest of the cache), not a 429.
RATELIMIT_FAIL_OPEN = True
TREMPLIN_RATE_LIMITS = {
    # Sign-in, HTML and API alike: password spraying from one client, guessing one account
    # from many (failures only, beyond axes' per-pair lockout).
    "sign_in_client": "30/15m",
    "sign_in_account_failures": "20/h",
    "sign_up_client": "10/h",
    "sign_up_account": "5/h",
    "password_reset_client": "10/h",
    # Reset mails one address receives; beyond, the form answers the same and sends nothing.
    "password_reset_mails": "3/h",
    "password_reset_confirm_client": "30/h",
    "invitation_client": "30/h",
    "verify_email_client": "30/h",
    "poll_answer_client": "60/h",
    "verify_email_resend_account": "3/h",
    "verify_email_resend_client": "10/h",
    # A second-factor code: per account being signed in, and per client.
    "two_factor_account": "5/15m",
    "two_factor_client": "20/15m",
}

# TWO-FACTOR AUTHENTICATION (django-otp: TOTP, and single-use recovery codes)
# Operators (who can suspend or drop a city) must pass a second factor before the console and
# before an API token; city admins may opt in. Off only in the test settings, whose console
# tests sign operators in with force_login (tests/shared_apps/accounts/test_two_factor.py
# turns it on).
TREMPLIN_OPERATOR_2FA = True
TREMPLIN_RECOVERY_CODES = 10
# A password checked at sign-in waits this long for its second factor.
TREMPLIN_2FA_PENDING_SECONDS = 600
OTP_TOTP_ISSUER = "Tremplin"
