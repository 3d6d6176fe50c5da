"""Writes for cities: register, provision (schema + first admin), onboard, delete.

Onboarding = register (City row + domains, public schema) then provision (a schema copied from
the template, the city's branding and its first admin with a one-time invitation). The command
runs both in one transaction, so any failure leaves nothing behind; the API registers, answers
202, and a Celery task provisions (a failure marks the city `failed`, with the schema rolled
back; posting again resumes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kernel.errors import Conflict, ValidationFailed

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import invitation_create, invitation_email_send, user_create
from shared_apps.geo.communes import Commune, commune_get
from tenant_apps.branding.colors import AA_CONTRAST, WHITE, contrast_ratio, is_hex_color
from tenant_apps.branding.services import branding_initialize
from tenant_apps.youth.services import neighbourhoods_seed

from . import provisioning
from .context import in_city
from .models import AuditEntry, City, CityStatus, Domain, build_url
from .validation import INSEE_RE, domain_errors, normalize_host, slug_errors

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class CityRequest:
    """Validated input for a new city."""

    name: str
    slug: str
    commune: Commune
    admin_email: str
    domains: tuple[str, ...]
    primary_color: str | None


@dataclass(frozen=True)
class OnboardingResult:
    city: City
    created: bool
    invitation_link: str | None  # None when the first admin already chose a password


def audit(*, actor: str, action: str, city: City | None = None, **details: object) -> None:
    AuditEntry.objects.create(actor=actor, action=action, city=city, details=details)


def city_request_validate(
    *,
    name: str,
    slug: str,
    insee: str,
    admin_email: str,
    domain: str | None = None,
    primary_color: str | None = None,
) -> CityRequest:
    """Check every field and report all problems at once; no database write."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    fields: dict[str, list[str]] = {}
    slug = (slug or "").strip()
    name = (name or "").strip()
    insee = (insee or "").strip().upper()
    admin_email = (admin_email or "").strip().lower()

    if not name or len(name) > 120:
        fields["name"] = ["Le nom de la ville est obligatoire (120 caractères au plus)."]
    if errors := slug_errors(slug):
        fields["slug"] = errors
    commune = None
    if not INSEE_RE.match(insee):
        fields["insee"] = ["Le code INSEE comporte 5 caractères (par exemple 91286)."]
    elif (commune := commune_get(insee)) is None:
        fields["insee"] = [f"Aucune commune ne porte le code INSEE {insee}."]
    try:
        validate_email(admin_email)
    except ValidationError:
        fields["admin_email"] = ["Indique une adresse e-mail valide."]
    base = settings.TREMPLIN_BASE_DOMAIN
    domains = [f"{slug}.{base}"]
    if domain:
        if errors := domain_errors(domain, slug=slug, base_domain=base):
            fields["domain"] = errors
        elif normalize_host(domain) not in domains:
            domains.append(normalize_host(domain))
    if primary_color:
        if not is_hex_color(primary_color):
            fields["primary_color"] = ["Indique une couleur au format #RRGGBB."]
        elif contrast_ratio(primary_color, WHITE) < AA_CONTRAST:
            fields["primary_color"] = [
                "Cette couleur est trop claire : le texte blanc n'y serait pas lisible."
            ]
    if fields:
        first_field = next(iter(fields))
        raise ValidationFailed(fields[first_field][0], fields=fields)
    return CityRequest(
        name=name,
        slug=slug,
        commune=commune,
        admin_email=admin_email,
        domains=tuple(domains),
        primary_color=primary_color.upper() if primary_color else None,
    )


def _check_conflicts(request: CityRequest, *, existing: City | None) -> None:
    if existing is not None and existing.insee != request.commune.insee:
        raise Conflict(
            f"L'identifiant « {request.slug} » est déjà utilisé par {existing.name}.",
            code="slug_taken",
            fields={"slug": ["Déjà utilisé."]},
        )
    if (
        existing is None
        and City.objects.filter(schema_name=City.schema_name_for(request.slug)).exists()
    ):
        raise Conflict(
            "Ce schéma existe déjà.", code="slug_taken", fields={"slug": ["Déjà utilisé."]}
        )
    taken = Domain.objects.filter(domain__in=request.domains)
    if existing is not None:
        taken = taken.exclude(tenant=existing)
    if clash := taken.first():
        raise Conflict(
            f"Le domaine {clash.domain} est déjà attribué à une autre ville.",
            code="domain_taken",
            fields={"domain": ["Déjà attribué."]},
        )


@transaction.atomic
def city_register(*, request: CityRequest, by: str = SYSTEM_ACTOR) -> tuple[City, bool]:
    """Create the City row and its domains (status provisioning); re-running returns it."""
    existing = City.objects.select_for_update().filter(slug=request.slug).first()
    _check_conflicts(request, existing=existing)
    if existing is not None:
        city, created = existing, False
    else:
        commune = request.commune
        city = City.objects.create(
            name=request.name,
            slug=request.slug,
            schema_name=City.schema_name_for(request.slug),
            insee=commune.insee,
            departement=commune.departement,
            region=commune.region,
            epci=commune.epci or "",
            population=commune.population,
            postal_codes=list(commune.postal_codes),
            admin_email=request.admin_email,
            status=CityStatus.PROVISIONING,
        )
        created = True
        audit(actor=by, action="city.registered", city=city, insee=commune.insee)
    for index, host in enumerate(request.domains):
        Domain.objects.get_or_create(
            domain=host, defaults={"tenant": city, "is_primary": index == 0 and created}
        )
    return city, created


def _first_admin_invitation(city: City) -> str | None:
    """In the city's schema: make sure the first admin exists; invite them if no password yet."""
    with in_city(city):
        admin = User.objects.filter(email=city.admin_email).first()
        if admin is None:
            admin = user_create(email=city.admin_email, role=Role.ADMIN)
        if admin.has_usable_password():
            return None
        _invitation, secret = invitation_create(user=admin)
    link = build_url(city.primary_host, f"/invitation/{secret}/")
    transaction.on_commit(
        lambda: invitation_email_send(email=city.admin_email, link=link, city_name=city.name)
    )
    return link


def _refill_spares_later() -> None:
    from .tasks import refill_spare_schemas

    refill_spare_schemas.delay()


@transaction.atomic
def city_provision(
    *, city: City, primary_color: str | None = None, by: str = SYSTEM_ACTOR
) -> str | None:
    """Create the city's schema from the template and seed it. Returns an invitation link."""
    city = City.objects.select_for_update().get(pk=city.pk)
    if not provisioning.schema_exists(city.schema_name):
        provisioning.create_schema_from_template(city.schema_name)
        if settings.TREMPLIN_SPARE_SCHEMAS:
            transaction.on_commit(_refill_spares_later)
    with in_city(city):
        branding_initialize(display_name=city.name, primary_color=primary_color)
        neighbourhoods_seed(commune_insee=city.insee)
    link = _first_admin_invitation(city)
    if city.status in (CityStatus.PROVISIONING, CityStatus.FAILED):
        city.status = CityStatus.ACTIVE
        city.activated_at = timezone.now()
        city.provisioning_error = ""
        city.save(update_fields=["status", "activated_at", "provisioning_error", "updated_at"])
        audit(actor=by, action="city.activated", city=city)
    return link


def city_onboard(
    *,
    name: str,
    slug: str,
    insee: str,
    admin_email: str,
    domain: str | None = None,
    primary_color: str | None = None,
    by: str = SYSTEM_ACTOR,
) -> OnboardingResult:
    """Register and provision a city in one transaction (the `onboard_city` command)."""
    request = city_request_validate(
        name=name,
        slug=slug,
        insee=insee,
        admin_email=admin_email,
        domain=domain,
        primary_color=primary_color,
    )
    provisioning.ensure_template()
    with transaction.atomic():
        city, created = city_register(request=request, by=by)
        link = city_provision(city=city, primary_color=request.primary_color, by=by)
    city.refresh_from_db()
    return OnboardingResult(city=city, created=created, invitation_link=link)


def city_provision_or_fail(*, city_id: int, primary_color: str | None = None) -> City:
    """What the provisioning task runs: provision, or record why it failed."""
    city = City.objects.get(pk=city_id)
    if city.status not in (CityStatus.PROVISIONING, CityStatus.FAILED):
        return city
    provisioning.ensure_template()
    try:
        city_provision(city=city, primary_color=primary_color)
    except Exception as exc:
        logger.exception("Provisioning %s failed", city.slug)
        City.objects.filter(pk=city.pk).update(
            status=CityStatus.FAILED, provisioning_error=str(exc)[:2000]
        )
        audit(
            actor=SYSTEM_ACTOR, action="city.provisioning_failed", city=city, error=str(exc)[:500]
        )
        raise
    city.refresh_from_db()
    return city


@transaction.atomic
def city_delete(*, city: City, by: str = SYSTEM_ACTOR) -> None:
    """Drop the city's schema and every row about it in public."""
    provisioning.drop_schema(city.schema_name)
    audit(actor=by, action="city.deleted", slug=city.slug, insee=city.insee)
    Domain.objects.filter(tenant=city).delete()
    City.objects.filter(pk=city.pk).delete()
