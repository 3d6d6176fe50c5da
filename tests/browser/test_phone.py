"""Phone-perfect: every youth page and every staff page at 360 px, in a real Chromium.

A page fails when it scrolls sideways (document wider than the screen) or when a control
(link, button, field, list) is a target smaller than 44 x 44 px (WCAG 2.5.5), links inside
running text excepted (WCAG's "inline" exception). A report of every page is written to
tests/artifacts/phone-*-report.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, E2E_DOMAIN

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
TARGET = 44  # px
PASSWORD = "un mot de passe solide"

# What is measured on a page: sideways overflow, and every control too small to hit.
MEASURE = (Path(__file__).parent / "phone_measure.js").read_text()


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(viewport=SMALL_PHONE, locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def grigny_staff(demo_cities):
    """A city admin of Grigny with a password, and the ids the staff pages need."""
    from shared_apps.accounts.models import Role
    from shared_apps.accounts.services import user_create, user_delete
    from tenants.context import in_city

    city = demo_cities["grigny"]
    with in_city(city["city"]):
        admin = user_create(email=f"phone-admin@{E2E_DOMAIN}", role=Role.ADMIN, password=PASSWORD)
    yield admin
    with in_city(city["city"]):
        user_delete(user=admin)


def _check(page, url: str, report: dict) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    report[url] = page.evaluate(MEASURE, TARGET)
    path = url.split("/", 3)[3].split("?")[0].strip("/").replace("/", "-") or "accueil"
    if path in SCREENSHOTS:
        page.screenshot(path=str(ARTIFACTS / f"phone-{path}.png"), full_page=True)


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/connexion/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _sign_up(page, base: str, email: str) -> None:
    page.goto(f"{base}/inscription/")
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_birth_date", "2006-05-04")
    page.fill("#id_display_name", "Testeur")
    page.check("#id_accept_terms")
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/mon-profil/situation/")


def _failures(report: dict) -> dict:
    return {
        url: {k: v for k, v in found.items() if v}
        for url, found in report.items()
        if found["overflow"] > 0 or found["small"]
    }


def _write(name: str, report: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(report, indent=2, ensure_ascii=False))


SCREENSHOTS = {"accueil", "offres", "mon-profil", "staff-offres", "staff-diagnostic"}
YOUTH_PUBLIC = [
    "/", "/offres/", "/offres/?q=animateur", "/offres/?kind=evenement", "/agenda/",
    "/structures/", "/inspirations/", "/accompagnement/", "/inscription/", "/connexion/",
    "/mot-de-passe/oublie/", "/a-propos/", "/contact/", "/mentions-legales/", "/hors-ligne/",
]  # fmt: skip
YOUTH_SIGNED_IN = [
    "/mon-profil/situation/", "/mon-profil/quartier/", "/mon-profil/interets/",
    "/mon-profil/freins/", "/mon-profil/recherche/", "/mon-profil/", "/mon-compte/",
    "/mon-compte/notifications/", "/mes-favoris/", "/mes-inscriptions/", "/mes-messages/",
    "/mes-rendez-vous/", "/mes-droits/", "/pour-toi/", "/mes-donnees/",
    "/mes-donnees/supprimer/",
]  # fmt: skip


def test_every_youth_page_fits_a_360_px_phone(small_phone, demo_cities):
    from tenant_apps.youth.forms import STEPS

    city = demo_cities["grigny"]
    base, event, story = city["url"], city["offers"][0], city["story"]
    steps = {f"/mon-profil/{step.slug}/" for step in STEPS}
    assert steps <= set(YOUTH_SIGNED_IN), "a questionnaire step is missing from the list"
    page = small_phone.new_page()
    report: dict[str, dict] = {}
    for path in [*YOUTH_PUBLIC, f"/offres/{event.pk}/", f"/inspirations/{story.pk}/"]:
        _check(page, f"{base}{path}", report)
    _sign_up(page, base, f"phone-{city['city'].slug}@{E2E_DOMAIN}")
    for path in [*YOUTH_SIGNED_IN, f"/offres/{event.pk}/", "/"]:
        _check(page, f"{base}{path}", report)
    _write("phone-youth-report.json", report)
    assert _failures(report) == {}


def test_every_staff_page_fits_a_360_px_phone(small_phone, demo_cities, grigny_staff):
    from shared_apps.accounts.models import User
    from tenant_apps.matching.models import Advisor
    from tenants.context import in_city

    city = demo_cities["grigny"]
    base, event, story, structure = (
        city["url"], city["offers"][0], city["story"], city["structure"]
    )  # fmt: skip
    with in_city(city["city"]):
        member = User.objects.get(email="staff@grigny.test")
        advisor = Advisor.objects.order_by("pk").first()
    paths = [
        "/staff/", "/staff/offres/", "/staff/offres/nouvelle/", f"/staff/offres/{event.pk}/",
        f"/staff/offres/{event.pk}/apercu/", "/staff/structures/", "/staff/structures/nouvelle/",
        f"/staff/structures/{structure.pk}/", "/staff/catalogue-national/", "/staff/imports/",
        "/staff/accompagnement/", "/staff/accompagnement/nouveau/", "/staff/equipe/",
        f"/staff/equipe/{member.pk}/", "/staff/relecture/", "/staff/messages/",
        "/staff/journal/", "/staff/facturation/", "/staff/diagnostic/",
        "/staff/fonctionnalites/", "/staff/branding/", "/staff/branding/pages/a-propos/",
        "/staff/inscriptions/", f"/staff/inscriptions/{event.pk}/", "/staff/inspirations/",
        "/staff/inspirations/nouvelle/", f"/staff/inspirations/{story.pk}/",
        "/staff/mon-agenda/", "/connexion/double-authentification/",
    ]  # fmt: skip
    if advisor is not None:
        paths += [f"/staff/accompagnement/{advisor.pk}/{tail}" for tail in ("", "modifier/")]
    page = small_phone.new_page()
    _sign_in(page, base, grigny_staff.email)
    report: dict[str, dict] = {}
    for path in paths:
        _check(page, f"{base}{path}", report)
    _write("phone-staff-report.json", report)
    assert _failures(report) == {}
