"""Writes for a city's host names: add a custom domain, make one primary, remove one.

The primary domain is where every other domain of the city redirects (301, tenants/middleware.py).
Saving or deleting a Domain invalidates the host cache (tenants/signals.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from kernel.errors import Conflict, NotFound, ValidationFailed

from .models import City, Domain
from .services import audit
from .validation import domain_errors, normalize_host


def platform_host(city: City) -> str:
    """The sub-domain every city keeps: `<slug>.<base-domain>`."""
    return f"{city.slug}.{settings.TREMPLIN_BASE_DOMAIN}"


def _get(city: City, host: str) -> Domain:
    domain = Domain.objects.filter(tenant=city, domain=normalize_host(host)).first()
    if domain is None:
        raise NotFound(f"Le domaine {host} n'appartient pas à {city.name}.")
    return domain


@transaction.atomic
def domain_add(*, city: City, host: str, by: str, primary: bool = False) -> Domain:
    """Attach `host` to `city` (idempotent); optionally make it the primary domain."""
    if errors := domain_errors(host, slug=city.slug, base_domain=settings.TREMPLIN_BASE_DOMAIN):
        raise ValidationFailed(errors[0], fields={"domain": errors})
    host = normalize_host(host)
    existing = Domain.objects.select_for_update().filter(domain=host).first()
    if existing is not None and existing.tenant_id != city.pk:
        raise Conflict(
            f"Le domaine {host} est déjà attribué à une autre ville.",
            code="domain_taken",
            fields={"domain": ["Déjà attribué."]},
        )
    if existing is None:
        existing = Domain(domain=host, tenant=city, is_primary=False)
        existing.full_clean()
        existing.save()
        audit(actor=by, action="domain.added", city=city, domain=host)
    if primary:
        return domain_make_primary(city=city, host=host, by=by)
    return existing


@transaction.atomic
def domain_make_primary(*, city: City, host: str, by: str) -> Domain:
    """Make `host` the city's primary domain; the others will redirect to it."""
    domain = _get(city, host)
    if domain.is_primary:
        return domain
    list(Domain.objects.select_for_update().filter(tenant=city))  # one switch at a time
    domain.is_primary = True
    domain.save()  # DomainMixin.save() clears the previous primary
    audit(actor=by, action="domain.made_primary", city=city, domain=domain.domain)
    return domain


@transaction.atomic
def domain_remove(*, city: City, host: str, by: str) -> None:
    """Detach a secondary domain (idempotent). The primary and `<slug>.<base>` stay."""
    domain = (
        Domain.objects.select_for_update().filter(tenant=city, domain=normalize_host(host)).first()
    )
    if domain is None:
        return
    if domain.is_primary:
        raise Conflict(
            "Ce domaine est le domaine principal : choisis d'abord un autre domaine principal.",
            code="primary_domain",
        )
    if domain.domain == platform_host(city):
        raise Conflict(
            f"L'adresse {domain.domain} est celle de la ville sur la plateforme : elle reste.",
            code="platform_domain",
        )
    domain.delete()
    audit(actor=by, action="domain.removed", city=city, domain=domain.domain)
