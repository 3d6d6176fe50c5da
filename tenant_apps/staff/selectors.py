"""Reads for the staff back-office (current city's schema)."""

from __future__ import annotations

from django.db.models import QuerySet

from shared_apps.accounts.models import User

from .services import TEAM_ROLES


def team_members() -> QuerySet[User]:
    """Everyone of the city's team (young people are not), active ones first."""
    return User.objects.filter(role__in=TEAM_ROLES).order_by("-is_active", "role", "email")
