"""Browser tests: Debian's Chromium driven by Playwright against a real server process.

The set-up installs what is missing: Chromium with apt-get (we run as root on CI machines),
axe-core with npm into var/node/ (never committed). The server is `manage.py runserver` on a free
loopback port against the TEST database; cities are reached by Host (`<slug>.localhost:<port>`,
which Chromium resolves to loopback). Data is committed (the server is another process) and
removed after each test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]  # fmt: skip
PHONE = {"width": 390, "height": 844}
SERVER_APP_NAME = "tremplin-browser-tests"
E2E_DOMAIN = "e2e.test"  # every account a browser test creates ends with this


def _run(cmd: list[str], timeout: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def _ensure_chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.skip(f"{CHROMIUM} is missing and apt-get cannot run here (needs root).")
    _run(["apt-get", "update", "-q"], timeout=600)
    result = _run(["apt-get", "install", "-y", "-q", "chromium"], timeout=1200)
    if result.returncode != 0 or not Path(CHROMIUM).exists():
        pytest.skip(f"apt-get install chromium failed: {result.stderr.strip()[-300:]}")
    return CHROMIUM


def _ensure_axe() -> Path:
    if AXE.exists():
        return AXE
    if not shutil.which("npm"):
        pytest.skip("npm is missing: cannot install axe-core.")
    result = _run(["npm", "install", "--no-audit", "--no-fund", "--prefix",
                   str(ROOT / "var" / "node"), "axe-core"], timeout=600)  # fmt: skip
    if result.returncode != 0 or not AXE.exists():
        pytest.skip(f"npm install axe-core failed: {result.stderr.strip()[-300:]}")
    return AXE


@pytest.fixture(scope="session")
def chromium_path() -> str:
    pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' adds playwright")
    return _ensure_chromium()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return _ensure_axe().read_text()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """`manage.py runserver` on the test database; yields 'localhost:<port>'."""
    from tests.conftest import _test_database_url, push_process_env

    with django_db_blocker.unblock():
        database_url = _test_database_url()
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tremplin.settings.test",
        "DATABASE_URL": f"{database_url}?application_name={SERVER_APP_NAME}",
        "PYTHONUNBUFFERED": "1",
        **push_process_env(),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", "--insecure",
             f"127.0.0.1:{port}"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"The test server did not start; see {log}")
            time.sleep(0.2)
    yield f"{settings.TREMPLIN_BASE_DOMAIN}:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    # The test database is dropped at the end of the run only when no other session uses it:
    # end what is left of this run's own sessions on it (the server's, and the one the ORM opens
    # in Playwright's greenlet, which has its own context-local connection).
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [SERVER_APP_NAME],
        )
    # Session fixtures can tear down in different contexts, each with its own connection.
    connection.close()


@pytest.fixture(scope="session")
def browser(chromium_path) -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # next to one unless told it is fine (the ORM calls here are plain synchronous ones).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class ConsoleErrors(list):
    def watch(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.append(f"{page.url}: {e}"))


def _phone_context(browser, **options):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", accept_downloads=True, **options)
    context.set_default_timeout(15_000)
    errors = ConsoleErrors()
    context.on("page", errors.watch)
    context.console_errors = errors
    return context


@pytest.fixture
def audit_phone(browser) -> Iterator:
    """A phone context where the test may inject scripts (axe-core): the page's CSP is bypassed.

    Only for audits: the CSP itself is exercised by every other browser test.
    """
    context = _phone_context(browser, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def phone(browser) -> Iterator:
    """A fresh phone-sized browser context (no cookies), console errors collected."""
    context = _phone_context(browser)
    yield context
    context.close()


def _seed_city(city, *, welcome: str) -> dict:
    """A small, committed catalogue for one city; returns what to remove afterwards."""
    from tenant_apps.branding.selectors import branding_get
    from tenant_apps.portal.models import Inspiration
    from tests.tenant_apps.catalogue.factories import make_offer, make_structure

    now = timezone.now()
    branding = branding_get()
    old_welcome = branding.welcome_text
    branding.welcome_text = welcome
    branding.save(update_fields=["welcome_text"])
    structure = make_structure(name=f"Point Info Jeunesse de {city.name}", places_available=3)
    offers = [
        make_offer(kind="evenement", title="Tournoi de futsal solidaire", capacity=1,
                   starts_at=now + timedelta(days=4), address="Gymnase municipal",
                   summary="Viens jouer en équipe, tous niveaux.", structure=structure),
        make_offer(kind="emploi", title="Job d'été animateur", summary="Encadre des enfants.",
                   themes=["trouver-un-emploi"]),
        make_offer(kind="formation", title="Formation BAFA", summary="Deviens animateur."),
    ]  # fmt: skip
    story = Inspiration.objects.create(
        title="Du quartier au BTS", person="Inès", age=20, place=city.name,
        summary="Elle a trouvé son alternance grâce à la mission locale.",
        body="Son parcours.", status="published", published_at=now,
    )  # fmt: skip
    return {
        "offers": offers, "structure": structure, "story": story,
        "welcome": old_welcome, "branding": branding,
    }  # fmt: skip


def _cleanup_city(seed: dict) -> None:
    from shared_apps.accounts.models import User
    from tenant_apps.matching.models import InboxMessage
    from tenant_apps.portal.models import Registration, Save
    from tenant_apps.youth.services import account_delete

    for user in User.objects.filter(email__endswith=f"@{E2E_DOMAIN}"):
        account_delete(user=user)
    Registration.objects.filter(offer__in=seed["offers"]).delete()
    Save.objects.filter(offer_id__in=[o.pk for o in seed["offers"]]).delete()
    InboxMessage.objects.filter(offer_id__in=[o.pk for o in seed["offers"]]).delete()
    for offer in seed["offers"]:
        offer.delete()
    seed["structure"].delete()
    seed["story"].delete()
    seed["branding"].welcome_text = seed["welcome"]
    seed["branding"].save(update_fields=["welcome_text"])


WELCOME = {
    "grigny": "Grigny t'accompagne : jobs, sorties, aides, on est là.",
    "gennevilliers": "À Gennevilliers, trouve ton prochain pas.",
    "noisy-le-sec": "Noisy-le-Sec, ta ville, tes projets.",
}


@pytest.fixture
def demo_cities(committed, app_server) -> Iterator[dict]:
    """The three fixture cities (demo colours) with a small committed catalogue each."""
    from tenants.context import in_city
    from tenants.models import City

    cities = {c.slug: c for c in City.objects.filter(slug__in=WELCOME)}
    seeds = {}
    try:
        for slug, city in cities.items():
            with in_city(city):
                seeds[slug] = _seed_city(city, welcome=WELCOME[slug])
        yield {
            slug: {"city": city, "url": f"http://{slug}.{app_server}", **seeds[slug]}
            for slug, city in cities.items()
        }
    finally:
        for slug, seed in seeds.items():
            with in_city(cities[slug]):
                _cleanup_city(seed)
        connection.set_schema_to_public()
