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
from django.db import IntegrityError, transaction
from django.utils import timezone
from kernel.errors import Conflict, ValidationFailed

from . import hooks, provisioning
from .context import in_city
from .hooks import CityRequest, CitySeed, FieldErrors
from .models import AuditEntry, City, CityCommune, CityStatus, Domain
from .validation import (
    NO_TERRITORY,
    domain_errors,
    normalize_host,
    slug_errors,
    territory_errors,
)

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
# The order fields are reported in (the first one's message is the error's message).
FIELD_ORDER = (
    "name", "slug", "insee", "communes", "epci", "admin_email", "domain", "primary_color", "plan"
)  # fmt: skip
# Written by every onboarding, whichever door it came through (`via`). The name predates the
# API and the command writing it too; the audit history is filtered on it.
ONBOARDING_STARTED = "console.onboarding_started"
# Written when provisioning is left to a task: what the task needs to be resumed without it.
PROVISIONING_QUEUED = "city.provisioning_queued"
PROVISIONING_FAILED = "city.provisioning_failed"
# Written on the tenant communes were taken from (an explicit move, or an archived tenant).
COMMUNES_MOVED = "city.communes_moved"
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
    admin_email: str,
    insee: str | None = None,
    communes: list[str] | tuple[str, ...] | None = None,
    epci: str | None = None,
    domain: str | None = None,
    primary_color: str | None = None,
    plan: str = "",
    move_communes: bool = False,
) -> CityRequest:
    """Check every field, ours then the apps' (tenants.hooks.validate); report all at once.

    The territory is one of `insee` (one commune), `communes` (INSEE codes, the first is the
    default) or `epci` (its communes from the reference, the most populous first). No
    database write.
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    fields: FieldErrors = {}
    slug = (slug or "").strip()
    name = (name or "").strip()
    admin_email = (admin_email or "").strip().lower()

    if not name or len(name) > 120:
        fields["name"] = ["Le nom de la ville est obligatoire (120 caractères au plus)."]
    if errors := slug_errors(slug):
        fields["slug"] = errors
    territory_field, codes, errors = _territory(insee=insee, communes=communes, epci=epci)
    if errors:
        fields[territory_field] = errors
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
        insee=codes[0] if codes and territory_field not in fields else "",
        admin_email=admin_email,
        domains=tuple(domains),
        primary_color=primary_color.upper() if primary_color else None,
        plan=(plan or "").strip(),
        communes=tuple(codes) if territory_field not in fields else (),
        territory_field=territory_field,
        move_communes=bool(move_communes),
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


def _territory(
    *, insee: str | None, communes: list[str] | tuple[str, ...] | None, epci: str | None
) -> tuple[str, list[str], list[str]]:
    """(the input field used, the INSEE codes, its errors) from one of the three forms."""
    given = [
        (field, value)
        for field, value in (("insee", insee), ("communes", communes), ("epci", epci))
        if value not in (None, "", [], ())
    ]
    if not given:
        return "insee", [], [NO_TERRITORY]
    if len(given) > 1:
        names = " et ".join(field for field, _value in given)
        return given[1][0], [], [f"Indique une seule forme de territoire, pas {names}."]
    field, value = given[0]
    if field == "epci":
        code = str(value).strip()
        members = hooks.communes_reference().epci_communes(code)
        if not members:
            return field, [], [f"Aucun EPCI ne porte le code {code} (SIREN à 9 chiffres)."]
        return field, members, []
    codes = [str(value)] if field == "insee" else [str(code) for code in value]
    codes = list(dict.fromkeys(code.strip().upper() for code in codes))
    return field, codes, territory_errors(codes, single=field == "insee")


def _in_field_order(fields: FieldErrors) -> FieldErrors:
    rank = {field: index for index, field in enumerate(FIELD_ORDER)}
    return dict(sorted(fields.items(), key=lambda item: rank.get(item[0], len(rank))))


def _check_conflicts(request: CityRequest, *, existing: City | None) -> None:
    if existing is not None and existing.commune_codes != list(request.commune_codes):
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
    """Create the City row, its communes and its domains (status provisioning); re-running
    returns it.

    The prepare hooks fill the row (the communes' département, région, population…), the
    registered hooks run once it exists. A commune another tenant covers is a Conflict naming
    that tenant, unless `request.move_communes` (it is then taken from it, audited) or that
    tenant is archived (taken, audited).
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
            communes=list(request.commune_codes),
            admin_email=request.admin_email,
            status=CityStatus.PROVISIONING,
        )
        for prepare in hooks.prepare:
            prepare(city, request)
        city.save(force_insert=True)
        created = True
    moved = _claim_communes(city, request, by=by)
    if created:
        details: dict[str, object] = {"insee": city.insee, "communes": city.commune_codes}
        if moved:
            details["moved_from"] = moved
        audit(actor=by, action="city.registered", city=city, **details)
    for index, host in enumerate(request.domains):
        Domain.objects.get_or_create(
            domain=host, defaults={"tenant": city, "is_primary": index == 0 and created}
        )
    return city, created


def _claim_communes(city: City, request: CityRequest, *, by: str) -> dict[str, list[str]]:
    """Make `city` the tenant of each of its communes; returns {old tenant slug: communes}.

    The unique index on CityCommune.insee decides between two onboardings racing for one
    commune: the loser's insert waits for the winner's commit, then fails, and is answered
    like any covered commune.
    """
    codes = city.commune_codes
    claims = (
        CityCommune.objects.select_for_update(of=("self",))
        .filter(insee__in=codes)
        .exclude(city=city)
        .select_related("city")
        .order_by("insee")
    )
    taken: dict[City, list[str]] = {}
    for claim in claims:
        other = claim.city
        if other.status != CityStatus.ARCHIVED and not request.move_communes:
            raise _covered(request, claim.insee, other)
        taken.setdefault(other, []).append(claim.insee)
    for other, moving in taken.items():
        _release_communes(other, moving, to=city, by=by, field=request.territory_field)
    have = set(CityCommune.objects.filter(city=city).values_list("insee", flat=True))
    for code in codes:
        if code in have:
            continue
        try:
            with transaction.atomic():
                CityCommune.objects.create(city=city, insee=code)
        except IntegrityError:
            winner = CityCommune.objects.select_related("city").filter(insee=code).first()
            if winner is None:  # the other onboarding rolled back meanwhile: try once more
                CityCommune.objects.create(city=city, insee=code)
                continue
            raise _covered(request, code, winner.city) from None
    return {other.slug: moving for other, moving in taken.items()}


def _release_communes(
    other: City, moving: list[str], *, to: City, by: str, field: str = "communes"
) -> None:
    """Take `moving` from the tenant `other` (locked), refill its row, audit it there."""
    other = City.objects.select_for_update().get(pk=other.pk)
    remaining = [code for code in other.commune_codes if code not in moving]
    if not remaining and other.status != CityStatus.ARCHIVED:
        codes = ", ".join(moving)
        raise Conflict(
            f"{other.name} ({other.slug}) ne couvre que {codes} : les déplacer lui retirerait "
            f"tout son territoire. Archive d'abord {other.name}, puis recommence.",
            code="last_commune",
            fields={field: [f"Tout le territoire de {other.name}."]},
        )
    CityCommune.objects.filter(city=other, insee__in=moving).update(city=to)
    if remaining:
        other.communes = remaining
        other.insee = remaining[0]
        for refill in hooks.territory:
            refill(other)
        other.save()
    audit(
        actor=by,
        action=COMMUNES_MOVED,
        city=other,
        communes=moving,
        to_slug=to.slug,
        to_name=to.name,
        archived=other.status == CityStatus.ARCHIVED,
    )


def _covered(request: CityRequest, insee: str, other: City) -> Conflict:
    """The 409 for a commune `other` covers: its slug, name and URL, in the one error shape."""
    url = other.url
    message = (
        f"La commune {insee} est déjà couverte par {other.name} ({other.slug}) : {url}. "
        "Pour la rattacher à la nouvelle ville, demande explicitement son déplacement."
    )
    return Conflict(
        message,
        code="commune_covered",
        fields={
            request.territory_field: [f"{insee} : déjà couverte par {other.name}."],
            "existing_slug": [other.slug],
            "existing_name": [other.name],
            "existing_url": [url],
        },
    )


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
    admin_email: str,
    insee: str | None = None,
    communes: list[str] | tuple[str, ...] | None = None,
    epci: str | None = None,
    move_communes: bool = False,
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
    `via` (command, api, console) is recorded in the audit row. The territory is `insee`,
    `communes` or `epci` (city_request_validate); `move_communes` takes the communes another
    tenant covers instead of refusing them (audited on that tenant).
    """
    request = city_request_validate(
        name=name,
        slug=slug,
        insee=insee,
        communes=communes,
        epci=epci,
        admin_email=admin_email,
        domain=domain,
        primary_color=primary_color,
        plan=plan,
        move_communes=move_communes,
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
