"""Under load: gunicorn with the production settings, driven by wrk, against a bare-Django ceiling.

Run by `make bench` only (BENCH_ARGS=tests/bench/bench_load.py for this one). Two cities are
onboarded with the demo's content (tremplin.demo: catalogue, stories, a young person with a
profile) and the national catalogue (the aides-jeunes corpus when ../shared/data is there, else
the project's fixture), committed, then `deploy/bin/web` serves them exactly as shipped (its
worker count and recycling, the production settings module, the access log) on a free port.

wrk drives each endpoint for BENCH_LOAD_SECONDS at c=8 and c=32, Host alternating between the
two cities, in slices, each between two runs of the ceiling view (/_bench/ceiling: the whole
middleware stack, no query, no cache read; routed only with TREMPLIN_BENCH_CEILING) on the same
server. Printed per endpoint: requests/s, its share of the ceiling (its rate / the mean of the
ceiling runs around its slices), p50/p95/p99 (mean over its slices). Goals (issue 12): home and
/offres/ ≥ 50 %, the offers API ≥ 30 %, « pour toi » and « mes droits » ≥ 20 %.

« Pour toi » and « mes droits » are asked by BENCH_LOAD_PEOPLE young people per city (default
100, so 200 bearer tokens), each with their own demo profile (tremplin.demo's synthetic youth:
age, situation, quartier, interests, freins, money), one token after the other: a per-person
answer cache must hold them all. The answer's X-Answer-Cache header is counted by wrk: each
row prints its hit rate and its cold share (answers computed, not found).

wrk is installed with apt-get the way tests/browser installs Chromium (root, Debian); the bench
is skipped, saying why, when it cannot be.

    BENCH_LOAD_SECONDS    seconds of load per endpoint and concurrency (default 8), cut into
    BENCH_LOAD_SLICES     slices (default 2), each followed by as long a run of the ceiling
    BENCH_LOAD_THREADS    wrk threads (default 2)
    BENCH_LOAD_PEOPLE     young people (tokens) per city for the signed-in endpoints (100)
    GUNICORN_MAX_REQUESTS and the other deploy/bin/web variables pass through (to measure
                          worker recycling: GUNICORN_MAX_REQUESTS=1000)
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from shared_apps.accounts.models import User
from shared_apps.accounts.services import token_create
from shared_apps.national.models import NationalOffer
from tenants.context import in_city
from tenants.lifecycle import city_drop
from tenants.models import City
from tenants.services import city_onboard

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "deploy" / "bin" / "web"
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 8))
SLICES = int(os.environ.get("BENCH_LOAD_SLICES", 2))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", 2))
PEOPLE = int(os.environ.get("BENCH_LOAD_PEOPLE", 100))
CONCURRENCY = (8, 32)
CEILING = "/_bench/ceiling"
CITIES = (
    dict(name="Sevran", slug="bench-sevran", insee="93071", primary_color="#0B5FA5"),
    dict(name="Bondy", slug="bench-bondy", insee="93010", primary_color="#1B6E3A"),
)
# (label, path, with the young person's bearer token, goal as a share of the ceiling)
ENDPOINTS = (
    ("city home / (anonymous)", "/", False, 0.50),
    ("/offres/ (anonymous)", "/offres/", False, 0.50),
    ("/api/v1/offers/", "/api/v1/offers/", False, 0.30),
    ("/api/v1/me/feed/", "/api/v1/me/feed/", True, 0.20),
    ("/api/v1/me/rights/", "/api/v1/me/rights/", True, 0.20),
)
AIDES = ROOT.parent / "shared" / "data" / "aides-jeunes" / "data" / "benefits" / "javascript"

# Alternates the Host (and that city's token) per request; prints one JSON line at the end.
LUA = """
local targets = {%(targets)s}
local n = #targets
local threads = {}
local counter = 0
setup = function(thread)
  -- Each thread starts at its own place in the list: together they walk every target.
  thread:set("start", counter * 7919)
  counter = counter + 1
  table.insert(threads, thread)
end
init = function(args)
  i = start or 0
  hits, misses = 0, 0
end
request = function()
  i = i + 1
  local t = targets[(i %% n) + 1]
  return wrk.format("GET", nil, t)
end
%(response)s
done = function(summary, latency, requests)
  local e = summary.errors
  local h, m = 0, 0
  for _, thread in ipairs(threads) do
    h = h + (thread:get("hits") or 0)
    m = m + (thread:get("misses") or 0)
  end
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "p50": %%d, "p95": %%d, "p99": %%d, ' ..
    '"errors": %%d, "non2xx": %%d, "hits": %%d, "misses": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status, h, m))
end
"""
# Only for the signed-in endpoints (wrk parses headers only when a script asks for them).
LUA_COUNT = """
response = function(status, headers, body)
  local how = headers["X-Answer-Cache"] or headers["x-answer-cache"]
  if how == "hit" then hits = hits + 1 elseif how then misses = misses + 1 end
end
"""


def _run(cmd: list[str], timeout: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def _ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.skip("wrk is missing and apt-get cannot run here (needs root).")
    result = _run(["apt-get", "install", "-y", "-q", "wrk"], timeout=600)
    if result.returncode != 0:
        _run(["apt-get", "update", "-q"], timeout=600)
        result = _run(["apt-get", "install", "-y", "-q", "wrk"], timeout=600)
    if result.returncode != 0 or not shutil.which("wrk"):
        pytest.skip(f"apt-get install wrk failed: {result.stderr.strip()[-300:]}")
    return shutil.which("wrk")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _national_catalogue() -> str:
    from django.core.management import call_command

    from tenant_apps.catalogue.demo import FIXTURE_AIDES

    if AIDES.is_dir():
        call_command("import_aides_jeunes", str(AIDES), verbosity=0)
        return f"aides-jeunes corpus, {NationalOffer.objects.count()} aids"
    call_command("import_aides_jeunes", str(FIXTURE_AIDES), verbosity=0)
    return f"project fixture, {NationalOffer.objects.count()} aids"


def _seed(spec: dict) -> tuple[str, list[str], int]:
    """One demo-like city; returns (host, PEOPLE young people's bearer tokens, how many
    distinct profiles they have)."""
    from kernel.clock import local_today
    from tremplin.demo import _seed_city

    from tenant_apps.youth.demo import SYNTHETIC_DOMAIN, synthetic_youth_seed
    from tenant_apps.youth.models import YouthProfile
    from tenant_apps.youth.selectors import profile_as_dict

    city = city_onboard(admin_email=f"a@{spec['slug']}.test", **spec).city
    with in_city(city):
        _seed_city(city)
        # The demo's synthetic young people (its year of history is not needed here).
        synthetic_youth_seed(city_slug=city.slug, count=PEOPLE, today=local_today())
        people = list(
            User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}").order_by("pk")[:PEOPLE]
        )
        people.insert(0, User.objects.get(email=f"jeune@{city.slug}.demo"))
        people = people[:PEOPLE]
        profiles = YouthProfile.objects.filter(user__in=people).select_related("neighbourhood")
        distinct = len({json.dumps(profile_as_dict(p), sort_keys=True, default=str)
                        for p in profiles})  # fmt: skip
        tokens = [token_create(user=person) for person in people]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return f"{city.slug}.{settings.TREMPLIN_BASE_DOMAIN}", tokens, distinct


def _forget_production_cache_keys() -> None:
    """The server's keys (production prefix "tremplin", on the tests' Redis database) left by
    an earlier run: same schema names, other rows."""
    from django.core.cache import caches

    client = caches["platform"]._cache.get_client(write=True)
    keys = list(client.scan_iter(match="*tremplin:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def load_cities(committed):
    started = time.perf_counter()
    national = _national_catalogue()
    targets = [_seed(spec) for spec in CITIES]
    print(f"\nLoad bench set-up: {len(targets)} cities, {national}, "
          f"{sum(len(t) for _h, t, _d in targets)} young people with a token "
          f"({sum(d for _h, _t, d in targets)} distinct profiles), "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    try:
        yield targets
    finally:
        connection.set_schema_to_public()
        NationalOffer.objects.all().delete()
        for spec in CITIES:
            city = City.objects.filter(slug=spec["slug"]).first()
            if city is not None:
                city_drop(city=city, by="bench", confirm_slug=city.slug,
                          dangerously_skip_archive=True)  # fmt: skip


@pytest.fixture
def server(load_cities):
    """deploy/bin/web on a free port, production settings, against the test database."""
    from tests.conftest import _test_database_url

    _forget_production_cache_keys()
    port = _free_port()
    env = {
        **os.environ,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
        "PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "tremplin.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.TEST_REDIS_URL,
        "TREMPLIN_BASE_DOMAIN": settings.TREMPLIN_BASE_DOMAIN,
        "TREMPLIN_BENCH_CEILING": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    log = Path(tempfile.mkdtemp(prefix="bench-load-")) / "gunicorn.log"
    with open(log, "w") as out:
        process = subprocess.Popen([str(WEB)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=ROOT, start_new_session=True)  # fmt: skip
    host = load_cities[0][0]
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(port, host, "/healthz")
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"gunicorn did not start: see {log}")
            time.sleep(0.3)
    try:
        yield port, load_cities, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _get(port: int, host: str, path: str, token: str | None = None):
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return response.status, response.read()


def _lua(targets: list[tuple[str, list[str], int]], with_token: bool) -> str:
    """Anonymous: the hosts in turn. Signed in: every person of every city in turn, the
    cities interleaved."""
    items = []
    if with_token:
        people = [[(host, token) for token in tokens] for host, tokens, _d in targets]
        rows = zip(*people, strict=False)  # the shortest list of people sets the length
        pairs = [pair for row in rows for pair in row]
    else:
        pairs = [(host, None) for host, _tokens, _d in targets]
    for host, token in pairs:
        fields = [f'Host = "{host}"', '["X-Forwarded-Proto"] = "https"']
        if token:
            fields.append(f'Authorization = "Bearer {token}"')
        items.append("{" + ", ".join(fields) + "}")
    script = Path(tempfile.mkdtemp(prefix="bench-load-")) / "targets.lua"
    script.write_text(LUA % {"targets": ", ".join(items),
                             "response": LUA_COUNT if with_token else ""})  # fmt: skip
    return str(script)


def _wrk(wrk: str, port: int, path: str, script: str, concurrency: int, seconds: int) -> dict:
    result = _run([wrk, f"-t{min(THREADS, concurrency)}", f"-c{concurrency}", f"-d{seconds}s",
                   "--timeout", "10s", "-s", script, f"http://127.0.0.1:{port}{path}"],
                  timeout=seconds + 60)  # fmt: skip
    line = [row for row in result.stdout.splitlines() if row.startswith("{")]
    assert line, f"wrk said: {result.stdout}\n{result.stderr}"
    figures = json.loads(line[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def _merged(runs: list[dict]) -> dict:
    """Several wrk runs as one: total rate; latencies the mean of the runs' percentiles."""
    keys = ("requests", "errors", "non2xx", "hits", "misses")
    merged = {key: sum(run.get(key, 0) for run in runs) for key in keys}
    merged["rps"] = sum(run["rps"] for run in runs) / len(runs)
    for key in ("p50", "p95", "p99"):
        merged[key] = sum(run[key] for run in runs) / len(runs)
    return merged


def test_load_against_the_ceiling(server):
    wrk = _ensure_wrk()
    port, targets, log = server
    ceiling_script = _lua(targets, with_token=False)
    scripts = {}
    for label, path, with_token, _goal in ENDPOINTS:
        for host, tokens, _distinct in targets:
            status, _body = _get(port, host, path, tokens[0] if with_token else None)
            assert status == 200, f"{label} on {host}: {status}"
        scripts[path] = _lua(targets, with_token)
        _wrk(wrk, port, path, scripts[path], 8, 2)  # warm every worker
    _wrk(wrk, port, CEILING, ceiling_script, 8, 2)

    rows = []
    slice_seconds = max(1, SECONDS // SLICES)
    for concurrency in CONCURRENCY:
        before = _wrk(wrk, port, CEILING, ceiling_script, concurrency, slice_seconds)
        ceilings = [before]
        for label, path, _with_token, goal in ENDPOINTS:
            # Slices of endpoint and ceiling in turn: a burst of other work on the machine
            # lands on both sides of the ratio.
            slices, around = [], []
            for _ in range(SLICES):
                slices.append(_wrk(wrk, port, path, scripts[path], concurrency, slice_seconds))
                after = _wrk(wrk, port, CEILING, ceiling_script, concurrency, slice_seconds)
                around.append((before["rps"] + after["rps"]) / 2)
                ceilings.append(after)
                before = after
            figures = _merged(slices)
            share = figures["rps"] / (sum(around) / len(around))
            rows.append((label, concurrency, figures, share, goal))
        rows.insert(len(rows) - len(ENDPOINTS), ("ceiling (no database)", concurrency,
                                                 _merged(ceilings), 1.0, None))  # fmt: skip

    print(f"\nLoad bench: deploy/bin/web (WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', 2)}, "
          f"GUNICORN_MAX_REQUESTS={os.environ.get('GUNICORN_MAX_REQUESTS', 'unset')}), wrk "
          f"{SECONDS} s per endpoint in {SLICES} slices, {os.cpu_count()} CPUs; "
          f"server log {log}")  # fmt: skip
    print(f"{'endpoint':<26} {'c':>3} {'req/s':>8} {'share':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7}  goal; answer cache (signed-in endpoints)")  # fmt: skip
    failures = []
    for label, concurrency, figures, share, goal in rows:
        verdict = ""
        if goal is not None:
            met = share >= goal
            verdict = f"≥ {goal:.0%} {'met' if met else 'NOT met'}"
        counted = figures.get("hits", 0) + figures.get("misses", 0)
        if counted:
            verdict += (f"; hit rate {figures['hits'] / counted:.1%}, cold "
                        f"{figures['misses'] / counted:.1%} of {counted}")  # fmt: skip
        print(f"{label:<26} {concurrency:>3} {figures['rps']:8.0f} {share:7.1%} "
              f"{figures['p50'] / 1000:7.1f} {figures['p95'] / 1000:7.1f} "
              f"{figures['p99'] / 1000:7.1f}  {verdict}")  # fmt: skip
        if figures["errors"] or figures["non2xx"]:
            failures.append(f"{label} c={concurrency}: {figures}")
    assert not failures, failures
