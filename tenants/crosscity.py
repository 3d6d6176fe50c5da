"""The one door for work that crosses cities: run this in each city (or queue a task per
city), isolate each city's failure, log and report it.

Nothing outside `tenants/` switches schema: ruff's banned-api rule (TID251, see pyproject)
forbids `tenants.context` and django-tenants' switches everywhere else, so code that needs
another city's schema comes through one of these three:

- `run_in_each_city(fn)`: `fn(city)` in each city's schema, one after the other; a city that
  raises is rolled back alone, logged, sent to Sentry with a `city` tag, and the loop goes on.
- `send_to_each_city(task)`: one Celery task per city, sent with that city's schema in its
  headers (tenant-schemas-celery), so each copy runs in its own city and fails alone.
- `run_in_city(city, fn)`: `fn(city)` in that one city's schema, errors raised as they are
  (a command aimed at one city, the demo seeding).

And one read that switches nothing: `cities_where(condition)` asks every city a yes/no
question about its own tables in one statement (which cities have anything to roll up?), so
a crossing can skip the cities with nothing to do without visiting each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sentry_sdk
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from sentry_sdk.integrations.logging import ignore_logger

from .context import in_city
from .models import City, CityStatus
from .provisioning import quote

T = TypeVar("T")

logger = logging.getLogger(__name__)
# Each failure is sent to Sentry once, explicitly and tagged with its city (below); without this
# the logging integration would send the log line as a second, untagged event.
ignore_logger(__name__)

ACTIVE = (CityStatus.ACTIVE,)


@dataclass(frozen=True)
class CityOutcome:
    """What happened in one city: its value, or the error that stopped it there."""

    city: str  # the city's slug
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class CrossCityReport:
    """Per-city outcomes of one crossing, in slug order; print it or raise on it."""

    label: str
    outcomes: list[CityOutcome] = field(default_factory=list)

    @property
    def succeeded(self) -> list[CityOutcome]:
        return [outcome for outcome in self.outcomes if outcome.ok]

    @property
    def failed(self) -> list[CityOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    def values(self) -> dict[str, Any]:
        """Slug → value, for the cities that succeeded."""
        return {outcome.city: outcome.value for outcome in self.succeeded}

    def total(self) -> int:
        """Sum of the values (for callables that return a count), failed cities left out."""
        return sum(outcome.value or 0 for outcome in self.succeeded)

    def summary(self) -> str:
        line = f"{self.label}: {len(self.succeeded)} cities ok, {len(self.failed)} failed"
        if self.failed:
            errors = "; ".join(f"{o.city}: {_describe(o.error)}" for o in self.failed)
            line = f"{line} ({errors})"
        return line

    def raise_if_failed(self) -> None:
        if self.failed:
            raise CrossCityFailed(self)


class CrossCityFailed(RuntimeError):
    """One or more cities failed; `report` says which and why (each was already reported)."""

    def __init__(self, report: CrossCityReport) -> None:
        super().__init__(report.summary())
        self.report = report


def run_in_each_city(
    fn: Callable[[City], Any],
    *,
    label: str | None = None,
    statuses: Iterable[str] | None = ACTIVE,
    slugs: Iterable[str] | None = None,
    cities: QuerySet[City] | Iterable[City] | None = None,
    atomic: bool = True,
) -> CrossCityReport:
    """Call `fn(city)` in each city's schema, in slug order; one city's failure stops only it.

    statuses: cities in these states (None: any state); default active cities only.
    slugs, cities: narrow to these slugs, or to these cities instead of all of them.
    atomic: each city runs in its own transaction (a savepoint inside an outer one) and a
        failing city is rolled back alone. False for work that commits as it goes, because
        what it did cannot be taken back (e-mails sent, a Redis buffer trimmed): a failure
        then keeps what was done before it; a savepoint is still taken inside an outer
        transaction, so that the failure does not abort it for the next cities.
    """
    report = CrossCityReport(label or _name(fn))
    for city in _select(statuses=statuses, slugs=slugs, cities=cities):
        savepoint = atomic or connection.in_atomic_block
        try:
            with transaction.atomic() if savepoint else nullcontext(), in_city(city):
                value = fn(city)
        except Exception as error:  # one city never stops the others
            _report_failure(report, city, error)
        else:
            report.outcomes.append(CityOutcome(city.slug, value=value))
    return report


def send_to_each_city(
    task: Any,
    *,
    args: tuple = (),
    kwargs: dict[str, Any] | None = None,
    label: str | None = None,
    statuses: Iterable[str] | None = ACTIVE,
    slugs: Iterable[str] | None = None,
    cities: QuerySet[City] | Iterable[City] | None = None,
) -> CrossCityReport:
    """Queue the Celery `task` once per city; each copy runs in its city's schema.

    Each outcome's value is the task id. A city whose task cannot be sent is reported like a
    failing city in `run_in_each_city`; a task that fails in the worker fails alone (the
    worker logs it and Sentry's Celery integration reports it, tagged with the city).
    Meant for beat tasks, outside any transaction: a worker cannot see uncommitted rows.
    """
    report = CrossCityReport(label or getattr(task, "name", _name(task)))
    for city in _select(statuses=statuses, slugs=slugs, cities=cities):
        try:
            # tenant-schemas-celery puts the connection's schema in the task's headers.
            with in_city(city):
                result = task.apply_async(args=args, kwargs=kwargs)
        except Exception as error:
            _report_failure(report, city, error)
        else:
            report.outcomes.append(CityOutcome(city.slug, value=result.id))
    return report


# Branches per statement in `cities_where`: one statement of 1,000 branches plans slower
# than four of 250.
CITIES_WHERE_CHUNK = 250


def cities_where(
    condition: str,
    *,
    params: dict[str, Any] | None = None,
    statuses: Iterable[str] | None = ACTIVE,
    slugs: Iterable[str] | None = None,
    cities: QuerySet[City] | Iterable[City] | None = None,
) -> list[City]:
    """The cities (slug order) where `condition` holds, asked of all of them at once.

    condition: a boolean SQL expression over the city's own tables, each written
        `{schema}.table` (the city's quoted schema name goes there); `%(name)s` placeholders
        take `params`. One UNION ALL statement per CITIES_WHERE_CHUNK cities, no schema switch.
    Cities whose schema does not exist yet are left out. If a statement fails (a table that
    a city's pending migration has not created yet), the cities of that statement are all
    returned: the caller then does what it would have done without asking.
    """
    chosen = _select(statuses=statuses, slugs=slugs, cities=cities)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)",
            [[city.schema_name for city in chosen]],
        )
        existing = {row[0] for row in cursor.fetchall()}
    chosen = [city for city in chosen if city.schema_name in existing]
    found: list[City] = []
    for start in range(0, len(chosen), CITIES_WHERE_CHUNK):
        chunk = chosen[start : start + CITIES_WHERE_CHUNK]
        sql = " UNION ALL ".join(
            f"SELECT {i} WHERE " + condition.replace("{schema}", quote(city.schema_name))
            for i, city in enumerate(chunk)
        )
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params or {})
                found += [chunk[row[0]] for row in cursor.fetchall()]
        except DatabaseError as error:
            logger.warning("cities_where failed, every city of the chunk kept: %s", error)
            found += chunk
    return sorted(found, key=lambda city: city.slug)


def run_in_city(city: City, fn: Callable[[City], T]) -> T:
    """Call `fn(city)` in `city`'s schema and return its value; errors are raised as they are."""
    with in_city(city):
        return fn(city)


def _select(
    *,
    statuses: Iterable[str] | None,
    slugs: Iterable[str] | None,
    cities: QuerySet[City] | Iterable[City] | None,
) -> list[City]:
    statuses = None if statuses is None else set(statuses)
    slugs = None if slugs is None else set(slugs)
    if cities is None:
        cities = City.objects.all()
    if isinstance(cities, QuerySet):
        if statuses is not None:
            cities = cities.filter(status__in=statuses)
        if slugs is not None:
            cities = cities.filter(slug__in=slugs)
        return list(cities.order_by("slug"))
    chosen = [
        city
        for city in cities
        if (statuses is None or city.status in statuses) and (slugs is None or city.slug in slugs)
    ]
    return sorted(chosen, key=lambda city: city.slug)


def _report_failure(report: CrossCityReport, city: City, error: Exception) -> None:
    logger.error("%s failed in city %s", report.label, city.slug, exc_info=error)
    with sentry_sdk.new_scope() as scope:
        scope.set_tag("city", city.slug)
        scope.set_tag("crosscity", report.label)
        sentry_sdk.capture_exception(error)
    report.outcomes.append(CityOutcome(city.slug, error=error))


def _name(fn: Any) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def _describe(error: BaseException | None) -> str:
    return f"{type(error).__name__}: {error}" if error is not None else ""
