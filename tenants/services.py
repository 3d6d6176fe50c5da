"""Writes for cities: onboard (register, then provision). Dropping one is tenants.lifecycle.

Onboarding = register (City row + domains, public schema) then provision (a schema copied from
the template, seeded by the apps: branding, neighbourhoods, the first admin with a one-time
invitation). `city_onboard` is the one entry point, for the command, the operator API and the
console alike. In the foreground (the command) it runs both in one transaction, so any failure
leaves nothing behind; in the background (API, console) it registers and a Celery task
provisions after commit (a failure marks the city `failed`, with the schema rolled back;
onboarding again resumes).

What the apps add (the commune's data, the brand colour, the plan, the seeding) comes from the
hooks they register in tenants.hooks: this module imports none of them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kernel.errors import Conflict, ValidationFailed

from . import hooks, provisioning
from .context import in_city
from .hooks import CityRequest, CitySeed, FieldErrors
from .models import AuditEntry, City, CityStatus, Domain
from .validation import INSEE_RE, domain_errors, normalize_host, slug_errors

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
# The order fields are reported in (the first one's message is the error's message).
FIELD_ORDER = ("name", "slug", "insee", "admin_email", "domain", "primary_color", "plan")
# Written by every onboarding, whichever door it came through (`via`). The name predates the
# API and the command writing it too; the audit history is filtered on it.
ONBOARDING_STARTED = "console.onboarding_started"
# Written when provisioning is left to a task: what the task needs to be resumed without it.
PROVISIONING_QUEUED = "city.provisioning_queued"
PROVISIONING_FAILED = "city.provisioning_failed"
# A city still `provisioning` (or `failed`) this long after its last change is resumed by the
# sweeper (tenants.tasks.resume_stalled_provisioning), at most this many failures in all.
STALLED_AFTER = timedelta(minutes=10)
MAX_PROVISIONING_FAILURES = 3


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
    plan: str = "",
) -> CityRequest:
    """Check every field, ours then the apps' (tenants.hooks.validate); report all at once.

    No database write.
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    fields: FieldErrors = {}
    slug = (slug or "").strip()
    name = (name or "").strip()
    insee = (insee or "").strip().upper()
    admin_email = (admin_email or "").strip().lower()

    if not name or len(name) > 120:
        fields["name"] = ["Le nom de la ville est obligatoire (120 caractères au plus)."]
    if errors := slug_errors(slug):
        fields["slug"] = errors
    if not INSEE_RE.match(insee):
        fields["insee"] = ["Le code INSEE comporte 5 caractères (par exemple 91286)."]
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
    request = CityRequest(
        name=name,
        slug=slug,
        insee=insee,
        admin_email=admin_email,
        domains=tuple(domains),
        primary_color=primary_color.upper() if primary_color else None,
        plan=(plan or "").strip(),
    )
    for validate in hooks.validate:
        for field, errors in validate(request).items():
            if errors:
                fields.setdefault(field, errors)
    if fields:
        fields = _in_field_order(fields)
        first_field = next(iter(fields))
        raise ValidationFailed(fields[first_field][0], fields=fields)
    return request


def _in_field_order(fields: FieldErrors) -> FieldErrors:
    rank = {field: index for index, field in enumerate(FIELD_ORDER)}
    return dict(sorted(fields.items(), key=lambda item: rank.get(item[0], len(rank))))


def _check_conflicts(request: CityRequest, *, existing: City | None) -> None:
    if existing is not None and existing.insee != request.insee:
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
    """Create the City row and its domains (status provisioning); re-running returns it.

    The prepare hooks fill the row (the commune's département, région, population…), the
    registered hooks run once it exists.
    """
    existing = City.objects.select_for_update().filter(slug=request.slug).first()
    _check_conflicts(request, existing=existing)
    if existing is not None:
        city, created = existing, False
    else:
        city = City(
            name=request.name,
            slug=request.slug,
            schema_name=City.schema_name_for(request.slug),
            insee=request.insee,
            admin_email=request.admin_email,
            status=CityStatus.PROVISIONING,
        )
        for prepare in hooks.prepare:
            prepare(city, request)
        city.save(force_insert=True)
        created = True
        audit(actor=by, action="city.registered", city=city, insee=city.insee)
    for index, host in enumerate(request.domains):
        Domain.objects.get_or_create(
            domain=host, defaults={"tenant": city, "is_primary": index == 0 and created}
        )
    return city, created


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
    seeding = CitySeed(city=city, primary_color=primary_color)
    with in_city(city):
        for seed in hooks.seed:
            seed(seeding)
    if city.status in (CityStatus.PROVISIONING, CityStatus.FAILED):
        city.status = CityStatus.ACTIVE
        city.activated_at = timezone.now()
        city.provisioning_error = ""
        city.save(update_fields=["status", "activated_at", "provisioning_error", "updated_at"])
        audit(actor=by, action="city.activated", city=city)
    return seeding.invitation_link


def _provision_in_background(city: City, primary_color: str | None) -> None:
    from .tasks import provision_city

    audit(actor=SYSTEM_ACTOR, action=PROVISIONING_QUEUED, city=city, primary_color=primary_color)
    # With the broker down the task is not sent (delay() logs it): the sweeper resumes it.
    transaction.on_commit(lambda: provision_city.delay(city.pk, primary_color))


def city_onboard(
    *,
    name: str,
    slug: str,
    insee: str,
    admin_email: str,
    domain: str | None = None,
    primary_color: str | None = None,
    plan: str = "",
    by: str = SYSTEM_ACTOR,
    via: str = "command",
    background: bool = False,
) -> OnboardingResult:
    """Onboard a city: the one entry point (command, operator API, console).

    Validates, then in one transaction registers the city, writes the onboarding audit row and
    hands the plan to the registered hooks (billing), then provisions: right away (the
    command: any failure leaves nothing), or with `background` in a Celery task sent after
    commit (API and console: the city stays `provisioning` until it ran; no invitation link).
    `via` (command, api, console) is recorded in the audit row.
    """
    request = city_request_validate(
        name=name,
        slug=slug,
        insee=insee,
        admin_email=admin_email,
        domain=domain,
        primary_color=primary_color,
        plan=plan,
    )
    if not background:
        provisioning.ensure_template()
    link = None
    with transaction.atomic():
        city, created = city_register(request=request, by=by)
        audit(
            actor=by,
            action=ONBOARDING_STARTED,
            city=city,
            plan=request.plan,
            admin_email=request.admin_email,
            via=via,
        )
        for registered in hooks.registered:
            registered(city, request, by)
        if background:
            _provision_in_background(city, request.primary_color)
        else:
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
            status=CityStatus.FAILED, provisioning_error=str(exc)[:2000], updated_at=timezone.now()
        )
        audit(actor=SYSTEM_ACTOR, action=PROVISIONING_FAILED, city=city, error=str(exc)[:500])
        raise
    city.refresh_from_db()
    return city


def city_provisioning_resume_stalled(*, older_than: timedelta = STALLED_AFTER) -> dict[str, str]:
    """Resume the onboardings that stopped half-way (a worker killed, a task never sent).

    Every city `provisioning` or `failed` whose last change is older than `older_than` is
    provisioned again, with the colour it was asked for: it ends `active`, or `failed` with
    its schema rolled back (no half-made schema is ever left). A city that already failed
    MAX_PROVISIONING_FAILURES times is left to the operator (onboarding it again resumes).
    Returns {slug: status after the attempt}; never raises for one city.
    """
    cutoff = timezone.now() - older_than
    stalled = City.objects.filter(
        status__in=(CityStatus.PROVISIONING, CityStatus.FAILED), updated_at__lte=cutoff
    ).order_by("slug")
    outcomes: dict[str, str] = {}
    for city in stalled:
        failures = AuditEntry.objects.filter(city=city, action=PROVISIONING_FAILED).count()
        if failures >= MAX_PROVISIONING_FAILURES:
            continue
        audit(actor=SYSTEM_ACTOR, action="city.provisioning_resumed", city=city, after=failures)
        try:
            city = city_provision_or_fail(city_id=city.pk, primary_color=_requested_color(city))
        except Exception:  # recorded on the city (failed) and in the audit by the call above
            outcomes[city.slug] = CityStatus.FAILED
        else:
            outcomes[city.slug] = city.status
    return outcomes


def _requested_color(city: City) -> str | None:
    queued = AuditEntry.objects.filter(city=city, action=PROVISIONING_QUEUED).first()
    return queued.details.get("primary_color") if queued else None
