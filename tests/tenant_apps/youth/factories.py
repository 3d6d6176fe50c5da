"""Young people for tests (in the current schema)."""

from __future__ import annotations

from datetime import date
from itertools import count

from shared_apps.accounts.models import User
from tenant_apps.youth.services import youth_signup

_seq = count()
PASSWORD = "un mot de passe solide"


def make_youth(email: str | None = None, *, birth_date: date = date(2006, 5, 4), **extra) -> User:
    """A signed-up young person (profile + terms consent) in the current city schema."""
    return youth_signup(
        email=email or f"jeune{next(_seq)}@exemple.fr",
        password=PASSWORD,
        birth_date=birth_date,
        accept_terms=True,
        **extra,
    )
