"""People who sign in. Installed in public (operators) and in every city schema (staff, youth).

A row lives in the schema of the host it belongs to, so an account, a session or a token from one
city does not exist on another.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Opérateur de la plateforme")
    ADMIN = "admin", _("Administrateur de la ville")
    EDITOR = "editor", _("Éditeur")
    VIEWER = "viewer", _("Lecteur (élu, direction)")
    PARTNER = "partner", _("Structure partenaire")
    ADVISOR = "advisor", _("Conseiller·ère ou mentor")
    YOUTH = "youth", _("Jeune")


# The roles of a city's team: they sign in to /staff/ (each sees what its role allows there).
STAFF_ROLES = (Role.ADMIN, Role.EDITOR, Role.VIEWER, Role.PARTNER, Role.ADVISOR)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.OPERATOR)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse e-mail"), unique=True)
    display_name = models.CharField(_("pseudo"), max_length=60, blank=True)
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.YOUTH)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)  # Django admin access; unused by Tremplin
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def is_city_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_city_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_advisor(self) -> bool:
        return self.role == Role.ADVISOR

    @property
    def is_youth(self) -> bool:
        return self.role == Role.YOUTH

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR


def digest(secret: str) -> str:
    """Tokens and invitation secrets are stored as SHA-256 digests, never in clear."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API, valid only in the schema (host) that issued it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # shown to people to tell tokens apart
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Invitation(models.Model):
    """A one-time link that lets a new staff member choose a password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    secret_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for {self.user}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
