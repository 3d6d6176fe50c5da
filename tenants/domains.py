"""A city's host names: add a custom domain, verify it, make one primary, remove one; and
which hosts the reverse proxy may get a certificate for.

The primary domain is where every other domain of the city redirects (301, tenants/middleware.py).
Saving or deleting a Domain invalidates the host cache (tenants/signals.py).

A custom domain proves it belongs to the city before it becomes primary or gets a certificate:
the city creates a TXT record `_tremplin-challenge.<domain>` holding `tremplin-verification=<token>`
(the token is the domain's own), and the operator clicks « Vérifier » (`domain_verify`). The
platform's own `<slug>.<base-domain>` needs no proof.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kernel.errors import ApplicationError, Conflict, NotFound, ValidationFailed

from .models import City, CityStatus, Domain
from .resolution import host_cache
from .services import audit
from .validation import domain_errors, normalize_host

CHALLENGE_LABEL = "_tremplin-challenge"
CHALLENGE_PREFIX = "tremplin-verification="
DNS_TIMEOUT_SECONDS = 5.0


def platform_host(city: City) -> str:
    """The sub-domain every city keeps: `<slug>.<base-domain>`."""
    return f"{city.slug}.{settings.TREMPLIN_BASE_DOMAIN}"


def is_verified(city: City, domain: Domain) -> bool:
    return domain.domain == platform_host(city) or domain.verified_at is not None


@dataclass(frozen=True)
class Challenge:
    """The DNS record that proves a custom domain is the city's."""

    name: str  # _tremplin-challenge.<domain>
    type: str
    value: str


def domain_challenge(domain: Domain) -> Challenge:
    return Challenge(
        name=f"{CHALLENGE_LABEL}.{domain.domain}",
        type="TXT",
        value=f"{CHALLENGE_PREFIX}{domain.verification_token}",
    )


class DnsUnavailable(ApplicationError):
    status_code = 503
    default_code = "dns_unavailable"


def txt_records(name: str) -> list[str]:
    """The TXT strings published at `name` ([] when there are none), through dnspython and the
    resolvers of settings.TREMPLIN_DNS_NAMESERVERS (default: the machine's)."""
    import dns.exception
    import dns.resolver

    try:
        resolver = dns.resolver.Resolver(configure=not settings.TREMPLIN_DNS_NAMESERVERS)
        if settings.TREMPLIN_DNS_NAMESERVERS:
            servers = [entry.rsplit(":", 1) for entry in settings.TREMPLIN_DNS_NAMESERVERS]
            resolver.nameservers = [server[0] for server in servers]
            resolver.port = int(servers[0][1]) if len(servers[0]) == 2 else 53
        resolver.lifetime = DNS_TIMEOUT_SECONDS
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.DNSException as exc:  # timeout, no usable server, no resolv.conf…
        raise DnsUnavailable(
            "Le DNS ne répond pas pour l'instant : réessaie dans quelques minutes."
        ) from exc
    # A long TXT record comes in chunks of 255 bytes: one record is their concatenation.
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


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
        if primary and host != platform_host(city):
            raise Conflict(
                f"Ajoute d'abord {host}, crée l'enregistrement DNS demandé et vérifie-le : "
                "il pourra ensuite devenir le domaine principal.",
                code="domain_unverified",
                fields={"primary": ["Le domaine doit d'abord être vérifié."]},
            )
        existing = Domain(
            domain=host, tenant=city, is_primary=False, verification_token=_new_token()
        )
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
    if not is_verified(city, domain):
        raise Conflict(
            f"Le domaine {domain.domain} n'est pas encore vérifié : crée l'enregistrement DNS "
            "indiqué à côté du domaine, puis clique sur « Vérifier ».",
            code="domain_unverified",
        )
    list(Domain.objects.select_for_update().filter(tenant=city))  # one switch at a time
    domain.is_primary = True
    domain.save()  # DomainMixin.save() clears the previous primary
    audit(actor=by, action="domain.made_primary", city=city, domain=domain.domain)
    return domain


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def _token_ensure(domain: Domain) -> Domain:
    """A domain added before verification existed gets its token when first asked."""
    if not domain.verification_token:
        domain.verification_token = _new_token()
        domain.save(update_fields=["verification_token"])
    return domain


def domain_challenge_for(*, city: City, host: str) -> Challenge:
    """The record the city must publish for `host` (creates the token of an older domain)."""
    return domain_challenge(_token_ensure(_get(city, host)))


def domain_verify(*, city: City, host: str, by: str) -> Domain:
    """Look up the domain's TXT record; mark it verified when it holds the domain's token.

    The DNS is asked outside any transaction (it may take seconds); idempotent.
    """
    domain = _get(city, host)
    if is_verified(city, domain):
        return domain
    challenge = domain_challenge(_token_ensure(domain))
    found = [value.strip() for value in txt_records(challenge.name)]
    if challenge.value not in found:
        # What is there instead, ours first: usually a token copied from another domain.
        ours = sorted(found, key=lambda value: not value.startswith(CHALLENGE_PREFIX))
        seen = f" (trouvé : « {ours[0][:80]} »)" if ours else ""
        raise ValidationFailed(
            f"Enregistrement introuvable : crée l'enregistrement {challenge.type} "
            f"« {challenge.name} » de valeur « {challenge.value} »{seen}. La propagation DNS "
            "peut prendre quelques minutes.",
            code="domain_unverified",
            fields={"domain": ["Enregistrement DNS introuvable."]},
        )
    with transaction.atomic():
        domain = Domain.objects.select_for_update().get(pk=domain.pk)
        if domain.verified_at is None:
            domain.verified_at = timezone.now()
            domain.save(update_fields=["verified_at"])  # the signal drops the host cache
            audit(actor=by, action="domain.verified", city=city, domain=domain.domain)
    return domain


def certificate_allowed(host: str) -> bool:
    """May the reverse proxy get a TLS certificate for `host`? Only for an active city's own
    `<slug>.<base-domain>` or one of its verified custom domains. Cached: no query when warm."""
    resolution = host_cache.resolve(host)
    city = resolution.city
    if city is None or city.status != CityStatus.ACTIVE:
        return False
    host = normalize_host(host)
    domain = next((d for d in city.domains.all() if d.domain == host), None)
    return domain is not None and is_verified(city, domain)


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
