"""The diagnostic over 1,000,000 events in one city, and the cost of recording an event.

Run by `make bench` only; prints figures, asserts no timing. Targets (issue 6): the dashboard
renders in p95 ≤ 300 ms with filters; recording adds ≤ 1 ms to a request (the same page with
recording switched off, measured in the same run, is the baseline).

Dashboard baseline, same run: issue 6's first reader, which read every rollup atom of the
period and applied the privacy rule per request (`_AtomReader`). Each scenario is timed cold
(no dashboard cache: every figure computed) with both readers, after checking they publish
exactly the same figures, then warm (cached per city, filters and rollup generation).

    BENCH_EVENTS   raw events generated (default 1000000)
    BENCH_ROUNDS   timed renders per scenario (default 30)
"""

from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory, override_settings

from shared_apps.accounts.models import Role
from tenant_apps.analytics import recording, rollups, selectors
from tenant_apps.analytics.models import Period
from tenant_apps.analytics.privacy import published_atoms, totals
from tenant_apps.analytics.selectors import DiagnosticFilters
from tenant_apps.youth.models import Neighbourhood
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_offer

N_EVENTS = int(os.environ.get("BENCH_EVENTS", 1_000_000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 30))
KINDS = ["view"] * 50 + ["search"] * 30 + ["apply"] * 8 + ["right_shown"] * 8 + ["claim"] * 4
WORDS = [
    "permis",
    "bafa",
    "job",
    "ete",
    "logement",
    "stage",
    "alternance",
    "sport",
    "danse",
    "code",
    "sante",
    "bourse",
]
THEMES = ["mobilite", "sport", "culture", "loisirs", "trouver-un-emploi", "se-former", "sante"]
FREINS = ["mobilite", "logement", "argent", "sante", "confiance", "numerique"]
SITUATIONS = ["lyceen", "etudiant", "apprenti", "salarie", "demandeur_emploi", "sans_activite"]
BANDS = ["15-17", "18-20", "21-25", "26+", ""]


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def _generate(city, n: int) -> float:
    rng = random.Random(6)
    with in_city(city):
        hoods = [(nb.code, nb.is_qpv) for nb in Neighbourhood.objects.all()][:10] or [("", None)]
    people = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(6000)]
    profile = {
        p: (rng.choice(hoods), rng.choice(BANDS), rng.choice(SITUATIONS),
            rng.sample(FREINS, rng.randint(0, 2)), rng.sample(THEMES, rng.randint(0, 2)))
        for p in people
    }  # fmt: skip
    queries = [" ".join(rng.sample(WORDS, rng.randint(1, 2))) for _ in range(400)]
    offers = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(600)]
    end = datetime.now(UTC)
    span = 395 * 86400
    started = time.perf_counter()
    columns = ("at, kind, pseudonym, age_band, situation, neighbourhood, is_qpv, interests, "
               "freins, offer_id, offer_kind, themes, query, results")  # fmt: skip
    copy_sql = f"COPY analytics_event ({columns}) FROM STDIN"
    with in_city(city), connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for _ in range(n):
            who = people[min(int(rng.paretovariate(1.2)) - 1, len(people) - 1)
                             if rng.random() < 0.3 else rng.randrange(len(people))]  # fmt: skip
            (nb, qpv), band, situation, freins, interests = profile[who]
            kind = rng.choice(KINDS)
            at = end - timedelta(seconds=rng.randrange(span))
            if kind == "search":
                q = queries[min(int(rng.expovariate(1 / 40)), len(queries) - 1)]
                row = (at, kind, who, band, situation, nb, qpv, interests, freins, None,
                           "", [], q, rng.choice([0, 0, 3, 12, 40]))  # fmt: skip
            else:
                offer = offers[min(int(rng.expovariate(1 / 60)), len(offers) - 1)]
                row = (at, kind, who, band, situation, nb, qpv, interests, freins, offer,
                           "aide", rng.sample(THEMES, 2), "", None)  # fmt: skip
            copy.write_row(row)
    return time.perf_counter() - started


def _rollup(city) -> float:
    started = time.perf_counter()
    today = date.today()
    with in_city(city):
        day = rollups.retention_cutoff(today)
        seen = set()
        while day <= today:
            for period in (Period.MONTH, Period.WEEK):
                start = rollups.period_bounds(period, day)[0]
                if (period, start) not in seen:
                    seen.add((period, start))
                    rollups.rollup_period(period=period, day=day)
            day += timedelta(days=1)
        rollups.population_snapshot(day=today)
    return time.perf_counter() - started


class _AtomReader(selectors._Reader):
    """The baseline: every atom of the period read from `Rollup`, the rule applied here."""

    PAIRS = rollups.PUBLISHED[Period.MONTH]

    def _load_events(self):
        nb = " AND neighbourhood = %s" if self.filters.neighbourhood else ""
        pairs = " OR ".join("(metric = %s AND dimension = %s)" for _ in self.PAIRS)
        sql = (
            "SELECT period, metric, dimension, neighbourhood, start, key, people "
            f"FROM analytics_rollup WHERE ((period = 'month' AND start BETWEEN %s AND %s "
            f"AND ({pairs})) OR (period = 'week' AND metric = 'active' AND dimension = 'all' "
            "AND start BETWEEN %s AND %s))" + nb
        )
        week_from = self.filters.date_from - timedelta(days=self.filters.date_from.weekday())
        params = [self.first_month, self.last_month, *[v for p in self.PAIRS for v in p]]
        params += [week_from, self.filters.date_to]
        params += [self.filters.neighbourhood] if self.filters.neighbourhood else []
        atoms: dict[tuple, list] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for period, metric, dimension, neighbourhood, start, key, people in cursor:
                atoms.setdefault((period, metric, dimension), []).append(
                    ((neighbourhood, start), key, people)
                )
        figures = {}
        for (period, metric, dimension), table in atoms.items():
            if period == Period.WEEK:
                by_week = totals(published_atoms(table), keyfn=lambda g, k: g[1].isoformat())
                figures[(period, metric, dimension)] = by_week
            else:
                figures[(period, metric, dimension)] = totals(published_atoms(table))
        return figures


def _time_get(client, url: str, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings


def test_dashboard_over_a_million_events(grigny, client_for, make_user):
    generated = _generate(grigny, N_EVENTS)
    rolled = _rollup(grigny)
    with in_city(grigny):
        rows = connection.cursor()
        rows.execute("SELECT count(*) FROM analytics_rollup")
        n_rollups = rows.fetchone()[0]
        nb = Neighbourhood.objects.first()
    viewer = make_user(grigny, "viewer@bench.test", Role.VIEWER)
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(viewer)
    today = date.today()
    three_months = (today.replace(day=1) - timedelta(days=62)).replace(day=1)
    scenarios = {
        "default (last 3 months)": ("/staff/diagnostic/", DiagnosticFilters(three_months, today)),
        "12 months": (
            f"/staff/diagnostic/?from={today - timedelta(days=365)}&to={today}",
            DiagnosticFilters(today - timedelta(days=365), today),
        ),
        "3 months + neighbourhood": (
            f"/staff/diagnostic/?from={three_months}&to={today}&neighbourhood={nb.code}",
            DiagnosticFilters(three_months, today, nb.code),
        ),
        "12 months + neighbourhood": (
            f"/staff/diagnostic/?from={today - timedelta(days=365)}&to={today}"
            f"&neighbourhood={nb.code}",
            DiagnosticFilters(today - timedelta(days=365), today, nb.code),
        ),
        "API 3 months": (
            f"/api/v1/analytics/diagnostic/?from={three_months}&to={today}",
            DiagnosticFilters(three_months, today),
        ),
    }
    print(f"\n[analytics] {N_EVENTS:,} events generated by COPY in {generated:.1f} s; "
          f"rolled up (13 months + weeks + population) in {rolled:.1f} s "
          f"→ {n_rollups:,} rollup rows")  # fmt: skip
    for name, (url, filters) in scenarios.items():
        with in_city(grigny), override_settings(TREMPLIN_ANALYTICS_CACHE_SECONDS=0):
            new = selectors.diagnostic(filters=filters)
            with mock.patch.object(selectors, "_Reader", _AtomReader):
                assert selectors.diagnostic(filters=filters) == new, name
        with override_settings(TREMPLIN_ANALYTICS_CACHE_SECONDS=0):
            with mock.patch.object(selectors, "_Reader", _AtomReader):
                _time_get(client, url, 2)  # warm Python and PostgreSQL caches
                before = _time_get(client, url, ROUNDS)
            _time_get(client, url, 2)
            cold = _time_get(client, url, ROUNDS)
        with override_settings(TREMPLIN_ANALYTICS_CACHE_SECONDS=600):
            warm = _time_get(client, url, ROUNDS + 1)[1:]  # the first one fills the cache
        print(f"[analytics] dashboard {name:26s} p95 atoms per request (before) "
              f"{_pct(before, .95):6.1f} ms · published figures cold {_pct(cold, .95):6.1f} ms "
              f"(p50 {_pct(cold, .5):5.1f}, x{_pct(before, .95) / _pct(cold, .95):.1f}) · "
              f"cached {_pct(warm, .95):5.1f} ms   (target p95 ≤ 300 ms)")  # fmt: skip


def test_recording_cost_per_request(grigny, client_for):
    with in_city(grigny):
        offer = make_offer(kind="emploi", title="Animateur·rice")
    client = client_for(grigny)
    url = f"/offres/{offer.pk}/"
    with in_city(grigny):  # an anonymous visitor with a session: the HMAC path
        session = client.session
        session["seen"] = 1
        session.save()
    client.cookies["sessionid"] = session.session_key
    for _ in range(20):
        client.get(url)
    on, off = [], []
    for _ in range(ROUNDS * 10):  # interleaved, same run
        with override_settings(TREMPLIN_ANALYTICS_ENABLED=False):
            off.extend(_time_get(client, url, 1))
        on.extend(_time_get(client, url, 1))
    key = recording.buffer_key(grigny.schema_name)
    # The call alone, without the page's noise, against a bare RPUSH of a line (its floor: one
    # Redis round trip), interleaved.
    calls, pushes = [], []
    with in_city(grigny):
        request = RequestFactory().get(url)
        request.user = AnonymousUser()
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
        redis = recording.redis_client()
        for _ in range(ROUNDS * 30):
            started = time.perf_counter()
            recording.record(request, "view", offer=offer)
            calls.append((time.perf_counter() - started) * 1e6)
            started = time.perf_counter()
            redis.rpush(key, b'{"k":"view"}')
            pushes.append((time.perf_counter() - started) * 1e6)
    recording.redis_client().delete(key)
    print(f"\n[analytics] record() alone: p50 {_pct(calls, .5):.0f} µs, "
          f"p95 {_pct(calls, .95):.0f} µs; a bare RPUSH: p50 {_pct(pushes, .5):.0f} µs, "
          f"p95 {_pct(pushes, .95):.0f} µs "
          f"(target ≤ 1 ms)")  # fmt: skip
    print(f"[analytics] offer page, recording off: p50 {_pct(off, .5):.2f} ms, "
          f"mean {statistics.mean(off):.2f} ms")  # fmt: skip
    print(f"[analytics] offer page, recording on : p50 {_pct(on, .5):.2f} ms, "
          f"mean {statistics.mean(on):.2f} ms")  # fmt: skip
    print(f"[analytics] added by recording: p50 {_pct(on, .5) - _pct(off, .5):+.3f} ms, "
          f"mean {statistics.mean(on) - statistics.mean(off):+.3f} ms (target ≤ 1 ms)")  # fmt: skip
