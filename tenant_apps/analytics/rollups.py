"""Aggregates of the current city's events and profiles. Run by Celery beat per city
(tasks.py) and by `manage.py analytics_backfill`.

- `rollup_period(period, start)`: events and distinct young people per neighbourhood, metric,
  dimension and value, for one day, ISO week or month (recomputed whole, so it is idempotent);
- `population_snapshot(day)`: profiles per neighbourhood and dimension (each young person's
  rights, the non-recours, are the nightly batch of nonrecours.py);
- `events_purge()`: raw events older than 13 months go; aggregates stay.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from kernel.clock import local_today

from .dashboard_cache import figures_changed
from .models import CITY, Event, Figure, Period, PopulationFact, Rollup
from .privacy import published_atoms
from .recording import age_band

RETENTION_MONTHS = 13
# What `rollup_day` recomputes: the day, and the ISO week and month that contain it.
ROLLED_UP = (Period.DAY, Period.WEEK, Period.MONTH)

# (metric, dimension) of the rollups the dashboard shows, per period: the privacy rule is
# applied to them once, here, and the published figures stored in `Figure`.
PUBLISHED = {
    Period.MONTH: (
        ("search", "all"), ("search", "query"), ("search", "query_empty"), ("search", "theme"),
        ("view", "theme"), ("view", "offer"), ("save", "offer"), ("take_up", "offer"),
        ("register", "all"), ("attend", "all"), ("claim", "all"),
        ("scan", "all"), ("scan", "source"),
    ),
    Period.WEEK: (("active", "all"), ("register", "all"), ("attend", "all")),
}  # fmt: skip

# Every event counts in "active" (by profile dimensions); each kind adds its own dimensions.
_CONTRIBUTIONS = """
SELECT neighbourhood, is_qpv, 'active' AS metric, 'all' AS dim, '' AS key, pseudonym FROM a
UNION ALL SELECT neighbourhood, is_qpv, 'active', 'age_band', age_band, pseudonym FROM a
UNION ALL SELECT neighbourhood, is_qpv, 'active', 'situation', situation, pseudonym FROM a
UNION ALL SELECT neighbourhood, is_qpv, 'active', 'frein', f, pseudonym FROM a, unnest(freins) f
UNION ALL SELECT neighbourhood, is_qpv, 'active', 'interest', i, pseudonym
    FROM a, unnest(interests) i
UNION ALL SELECT neighbourhood, is_qpv, kind, 'all', '', pseudonym FROM e
UNION ALL SELECT neighbourhood, is_qpv, kind, 'query', query, pseudonym FROM e
    WHERE kind = 'search' AND query <> ''
UNION ALL SELECT neighbourhood, is_qpv, kind, 'query_empty', query, pseudonym FROM e
    WHERE kind = 'search' AND query <> '' AND results = 0
UNION ALL SELECT neighbourhood, is_qpv, kind, 'theme', t, pseudonym FROM e, unnest(themes) t
UNION ALL SELECT neighbourhood, is_qpv, kind, 'offer', offer_id::text, pseudonym FROM e
    WHERE offer_id IS NOT NULL AND kind <> 'search'
UNION ALL SELECT neighbourhood, is_qpv, kind, 'offer_kind', offer_kind, pseudonym FROM e
    WHERE offer_kind <> ''
UNION ALL SELECT neighbourhood, is_qpv, 'take_up', 'offer', offer_id::text, pseudonym FROM e
    WHERE kind IN ('apply', 'claim') AND offer_id IS NOT NULL
UNION ALL SELECT neighbourhood, is_qpv, kind, 'source', query, pseudonym FROM e
    WHERE kind = 'scan'
"""


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """[start, end) of the day, ISO week or month containing `day`."""
    if period == Period.DAY:
        return day, day + timedelta(days=1)
    if period == Period.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def _aware(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())


def _portal_sources() -> str:
    """Saves, registrations and attendance live in the portal's own tables (when installed):
    read them as events of the period, with the young person's current profile."""
    if not apps.is_installed("tenant_apps.portal"):
        return ""
    profile = (
        "LEFT JOIN youth_youthprofile p ON p.user_id = s.user_id "
        "LEFT JOIN youth_neighbourhood nb ON nb.id = p.neighbourhood_id "
        "LEFT JOIN analytics_identity ai ON ai.user_id = s.user_id"
    )
    columns = (
        "COALESCE(nb.code, '') AS neighbourhood, nb.is_qpv, "
        "COALESCE(p.situation, '') AS situation, "
        "p.birth_date, COALESCE(p.interests, '{}') AS interests, "
        "COALESCE(p.freins, '{}') AS freins, 'u' || s.user_id::text AS who"
    )
    return (
        f"UNION ALL SELECT 'save', s.offer_id, {columns} FROM portal_save s {profile} "
        "WHERE s.saved_at >= %(start)s AND s.saved_at < %(end)s "
        f"UNION ALL SELECT 'register', s.offer_id, {columns} FROM portal_registration s "
        f"{profile} WHERE s.created_at >= %(start)s AND s.created_at < %(end)s "
        "AND s.user_id IS NOT NULL AND s.status <> 'cancelled' "
        # Attendance counts in the period staff marked it (the rollup of that day sees it).
        f"UNION ALL SELECT 'attend', s.offer_id, {columns} FROM portal_registration s "
        f"{profile} WHERE s.attended_at >= %(start)s AND s.attended_at < %(end)s "
        "AND s.user_id IS NOT NULL AND s.status = 'registered' "
    )


@transaction.atomic
def rollup_period(*, period: str, day: date) -> int:
    """Recompute the aggregates of the period containing `day`; returns the rows written."""
    start, end = period_bounds(period, day)
    Rollup.objects.filter(period=period, start=start).delete()
    params = {"period": period, "start_day": start, "start": _aware(start), "end": _aware(end)}
    portal = _portal_sources()
    # Portal rows have no offer kind or themes here: saves and registrations count by offer.
    source = (
        "SELECT kind, offer_id, offer_kind, themes, query, results, neighbourhood, is_qpv, "
        "age_band, situation, interests, freins, NULLIF(pseudonym, '') AS pseudonym "
        "FROM analytics_event WHERE at >= %(start)s AND at < %(end)s"
    )
    # "Active" counts recorded events only: portal rows are keyed differently.
    active = "SELECT * FROM e"
    if portal:
        source += " AND kind NOT IN ('save', 'register', 'attend')"
        active = "SELECT * FROM e WHERE pseudonym IS NULL OR pseudonym NOT LIKE 'u%%'"
        source = (
            f"{source} UNION ALL SELECT kind, offer_id, '', '{{}}'::varchar[], '', NULL, "
            "neighbourhood, is_qpv, "
            "CASE WHEN birth_date IS NULL THEN '' "
            "WHEN age(%(start_day)s::date, birth_date) < interval '18 years' THEN '15-17' "
            "WHEN age(%(start_day)s::date, birth_date) < interval '21 years' THEN '18-20' "
            "WHEN age(%(start_day)s::date, birth_date) < interval '26 years' THEN '21-25' "
            "ELSE '26+' END, situation, interests::varchar[], freins::varchar[], who "
            f"FROM (SELECT NULL::text AS kind, NULL::uuid AS offer_id, '' AS neighbourhood, "
            "NULL::boolean AS is_qpv, '' AS situation, NULL::date AS birth_date, "
            "'{}'::varchar[] AS interests, '{}'::varchar[] AS freins, '' AS who WHERE false "
            f"{portal}) AS portal_rows"
        )
    sql = (
        f"WITH e AS ({source}), a AS ({active}), c AS ({_CONTRIBUTIONS}) "
        "INSERT INTO analytics_rollup "
        "(period, start, neighbourhood, is_qpv, metric, dimension, key, events, people) "
        "SELECT %(period)s, %(start_day)s, neighbourhood, is_qpv, metric, dim, "
        "left(key, 120), count(*), count(DISTINCT pseudonym) "
        "FROM c GROUP BY neighbourhood, is_qpv, metric, dim, left(key, 120)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.rowcount
    publish_period(period=period, start=start)
    return written


def publish_period(*, period: str, start: date) -> int:
    """Apply the privacy rule (privacy.py) to the period's rollups the dashboard shows, and
    store the published figures per neighbourhood and for the whole city. The rule decides per
    neighbourhood and period, whatever the filters, so this is what any request would compute.
    Returns the figures written."""
    Figure.objects.filter(period=period, start=start).delete()
    pairs = PUBLISHED.get(period, ())
    if not pairs:
        return 0
    tables: dict[tuple[str, str], list] = {}
    rows = (
        Rollup.objects.filter(period=period, start=start, people__gt=0)
        .filter(metric__in={m for m, _ in pairs}, dimension__in={d for _, d in pairs})
        .order_by("id")
        .values_list("neighbourhood", "is_qpv", "metric", "dimension", "key", "people")
    )
    seen: set[tuple] = set()
    for nb, qpv, metric, dimension, key, people in rows.iterator(chunk_size=5000):
        if (metric, dimension) not in pairs:
            continue
        cell = key
        if (metric, dimension, nb, key) in seen:  # same place, another QPV flag: its own atom
            cell = f"{key}\x00{qpv}"
        seen.add((metric, dimension, nb, key))
        tables.setdefault((metric, dimension), []).append(((nb,), cell, people))
    figures: dict[tuple, list[int]] = {}  # (scope, metric, dimension, key) → [people, hidden]
    for (metric, dimension), atoms in tables.items():
        for ((nb,), cell), people in published_atoms(atoms).items():
            key = cell.split("\x00", 1)[0]
            for scope in (nb, CITY):
                figure = figures.setdefault((scope, metric, dimension, key), [0, 0])
                if people is None:
                    figure[1] = 1
                else:
                    figure[0] += people
    copy_sql = (
        "COPY analytics_figure (period, start, scope, metric, dimension, key, people, hidden) "
        "FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for (scope, metric, dimension, key), (people, hidden) in figures.items():
            copy.write_row((period, start, scope, metric, dimension, key, people, bool(hidden)))
    figures_changed()
    return len(figures)


def rollup_day(day: date) -> int:
    """The day itself, and the week and month that contain it (recomputed as they fill)."""
    return sum(rollup_period(period=p, day=day) for p in ROLLED_UP)


def rollup_day_changes_sql(day: date) -> tuple[str, dict]:
    """(condition, params) for `tenants.crosscity.cities_where`: true in a city where
    `rollup_day(day)` could change anything, false where it provably writes nothing (no source
    row in the day's week or month, no stored rollup or figure of those periods to replace).
    The Redis buffer is not in it: `rollup_due` asks Redis separately."""
    bounds = [period_bounds(period, day) for period in ROLLED_UP]
    low, high = min(start for start, _ in bounds), max(end for _, end in bounds)
    params = {"low": _aware(low), "high": _aware(high)}
    stored = []
    for i, (period, (start, _)) in enumerate(zip(ROLLED_UP, bounds, strict=True)):
        params[f"period{i}"], params[f"start{i}"] = period, start
        stored.append(f"(period = %(period{i})s AND start = %(start{i})s)")
    periods = " OR ".join(stored)
    checks = [
        "EXISTS (SELECT 1 FROM {schema}.analytics_event WHERE at >= %(low)s AND at < %(high)s)",
        f"EXISTS (SELECT 1 FROM {{schema}}.analytics_rollup WHERE {periods})",
        f"EXISTS (SELECT 1 FROM {{schema}}.analytics_figure WHERE {periods})",
    ]
    if apps.is_installed("tenant_apps.portal"):  # the sources of _portal_sources
        checks += [
            "EXISTS (SELECT 1 FROM {schema}.portal_save "
            "WHERE saved_at >= %(low)s AND saved_at < %(high)s)",
            "EXISTS (SELECT 1 FROM {schema}.portal_registration "
            "WHERE (created_at >= %(low)s AND created_at < %(high)s) "
            "OR (attended_at >= %(low)s AND attended_at < %(high)s))",
        ]
    return " OR ".join(checks), params


def _place(profile) -> tuple[str, bool | None]:
    nb = profile.neighbourhood
    return (nb.code, nb.is_qpv) if nb else ("", None)


@transaction.atomic
def population_snapshot(*, day: date) -> int:
    """Count the current city's profiles by neighbourhood and dimension."""
    from tenant_apps.youth.models import YouthProfile

    profiles = list(
        YouthProfile.objects.filter(user__role="youth", user__is_active=True).select_related(
            "neighbourhood", "user"
        )
    )
    counts: dict[tuple, int] = Counter()
    for p in profiles:
        place = _place(p)
        band = age_band(p.birth_date, day)
        keys = [
            ("all", ""),
            ("age_band", band),
            ("situation", p.situation),
            ("diploma", p.diploma_level),
        ]
        keys += [("interest", i) for i in set(p.interests)]
        keys += [("frein", f) for f in set(p.freins)]
        keys += [("frein_age", f"{f}|{band}") for f in set(p.freins)]
        for dimension, key in keys:
            counts[(*place, dimension, key[:120])] += 1
    PopulationFact.objects.filter(day=day).delete()
    PopulationFact.objects.bulk_create(
        [
            PopulationFact(day=day, neighbourhood=nb, is_qpv=qpv, dimension=dim, key=key, people=n)
            for (nb, qpv, dim, key), n in counts.items()
        ],
        batch_size=2000,
    )
    figures_changed()
    return len(counts)


def retention_cutoff(today: date) -> date:
    month = today.month - RETENTION_MONTHS
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return today.replace(year=year, month=month, day=min(today.day, 28))


def events_purge(*, today: date | None = None) -> int:
    """Delete raw events older than 13 months (aggregates are kept)."""
    cutoff = _aware(retention_cutoff(today or local_today()))
    deleted, _ = Event.objects.filter(at__lt=cutoff).delete()
    return deleted


def usage_figures(*, today: date) -> dict:
    """What the operator's fleet view shows for this city (counts only)."""
    from tenant_apps.catalogue.models import Offer

    since = _aware(today - timedelta(days=30))
    active = (
        Event.objects.filter(at__gte=since).exclude(pseudonym="").values("pseudonym").distinct()
    ).count()
    last_staff = None
    if apps.is_installed("tenant_apps.audit"):
        from tenant_apps.audit.models import StaffAuditEntry

        last_staff = (
            StaffAuditEntry.objects.order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
    return {
        "active_youth": active,
        "published_offers": Offer.objects.filter(status="published").count(),
        "last_staff_activity": last_staff,
    }
