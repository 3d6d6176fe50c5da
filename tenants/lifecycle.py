"""A city's life after onboarding: suspend, reactivate, archive (export first), drop.

    provisioning ──▶ active ◀──▶ suspended
                       │            │
                       └──▶ archived ◀┘ ──▶ (dropped: schema and rows gone)

Every service is idempotent (asking for the state a city is already in changes nothing and
writes no audit row), locks the City row, and raises `kernel.errors.Conflict` on a transition
that makes no sense. Saving the City invalidates the host cache (tenants/signals.py), so the
portal answers with the new state within a second in every process.
"""

from __future__ import annotations

from pathlib import Path

from django.db import connection, transaction
from kernel.errors import Conflict, ValidationFailed

from . import provisioning
from .models import City, CityStatus, Domain
from .services import audit

# Where a city may be dropped from: archived (exported first) or never provisioned.
DROPPABLE = (CityStatus.ARCHIVED, CityStatus.FAILED)


def _locked(city: City) -> City:
    return City.objects.select_for_update().get(pk=city.pk)


def _set_status(city: City, status: str) -> None:
    city.status = status
    city.save(update_fields=["status", "updated_at"])


def _refuse(city: City, action: str) -> Conflict:
    return Conflict(
        f"Impossible de {action} la ville {city.name} : elle est « {city.get_status_display()} ».",
        code="invalid_transition",
    )


@transaction.atomic
def city_suspend(*, city: City, by: str, reason: str) -> City:
    """Close the youth portal (maintenance page) and make staff read-only; data is kept."""
    city = _locked(city)
    if city.status == CityStatus.SUSPENDED:
        return city
    if city.status != CityStatus.ACTIVE:
        raise _refuse(city, "suspendre")
    reason = (reason or "").strip()[:500]
    _set_status(city, CityStatus.SUSPENDED)
    audit(actor=by, action="city.suspended", city=city, reason=reason)
    return city


@transaction.atomic
def city_reactivate(*, city: City, by: str) -> City:
    """Reopen a suspended city."""
    city = _locked(city)
    if city.status == CityStatus.ACTIVE:
        return city
    if city.status != CityStatus.SUSPENDED:
        raise _refuse(city, "réactiver")
    _set_status(city, CityStatus.ACTIVE)
    audit(actor=by, action="city.reactivated", city=city)
    return city


def city_archive(*, city: City, by: str, export_path: str | Path) -> City:
    """Export every row of the city to `export_path`, then take it offline (status archived).

    The export runs first and outside the status change: if it fails, the city is untouched.
    """
    from .portability import city_export  # portability imports services; keep import lazy

    city = City.objects.get(pk=city.pk)
    if city.status == CityStatus.ARCHIVED:
        return city
    if city.status not in (CityStatus.ACTIVE, CityStatus.SUSPENDED):
        raise _refuse(city, "archiver")
    manifest = city_export(city=city, path=export_path)
    with transaction.atomic():
        city = _locked(city)
        if city.status == CityStatus.ARCHIVED:  # archived concurrently
            return city
        if city.status not in (CityStatus.ACTIVE, CityStatus.SUSPENDED):
            raise _refuse(city, "archiver")
        _set_status(city, CityStatus.ARCHIVED)
        audit(
            actor=by,
            action="city.archived",
            city=city,
            export_path=str(export_path),
            rows=sum(table["rows"] for table in manifest["tables"].values()),
        )
    return city


@transaction.atomic
def city_drop(
    *, city: City, by: str, confirm_slug: str, dangerously_skip_archive: bool = False
) -> None:
    """Drop the city's schema and its public rows, only if `confirm_slug` is the city's slug.

    The one way a city is dropped (console, tests' clean-up). Only an archived (exported) or
    never-provisioned city may go; `dangerously_skip_archive` drops one in any state, with no
    export: for throw-away cities only (tests, benchmarks).
    """
    current = City.objects.select_for_update().filter(pk=city.pk).first()
    if current is None:  # already dropped
        return
    city = current
    if (confirm_slug or "").strip() != city.slug:
        raise ValidationFailed(
            f"Pour supprimer définitivement la ville, saisis exactement son identifiant "
            f"« {city.slug} ».",
            code="confirmation_mismatch",
            fields={"confirm_slug": ["L'identifiant saisi ne correspond pas."]},
        )
    if city.status not in DROPPABLE and not dangerously_skip_archive:
        raise Conflict(
            f"La ville {city.name} doit être archivée (export) avant d'être supprimée.",
            code="invalid_transition",
        )
    with connection.cursor() as cursor:
        # Fire pending deferred FK checks now: PostgreSQL refuses to drop a table that has some.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    provisioning.drop_schema(city.schema_name)
    # The audit row outlives the city: keep its identity in the details (FK becomes NULL).
    audit(
        actor=by,
        action="city.dropped",
        city=city,
        slug=city.slug,
        name=city.name,
        insee=city.insee,
    )
    Domain.objects.filter(tenant=city).delete()
    City.objects.filter(pk=city.pk).delete()
