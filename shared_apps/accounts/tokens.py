"""Password-reset tokens bound to the schema (the city) that issued them."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection


class CityPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens (bound to the user's id, password hash, last login and e-mail),
    bound to the city's schema as well: a copy of a city (tenants.portability) holds the same
    users with the same hashes, and a link the original mailed must not open the copy."""

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{connection.schema_name}:{super()._make_hash_value(user, timestamp)}"


password_reset_tokens = CityPasswordResetTokenGenerator()
