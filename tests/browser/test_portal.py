"""The young person's journey in a real browser, on a phone, in two cities' colours, plus
axe-core accessibility checks and keyboard navigation on every demo city."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, E2E_DOMAIN

pytestmark = pytest.mark.browser

PASSWORD = "un mot de passe solide"


def _rgb(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


def _sign_up(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="Créer un compte").click()
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_birth_date", "2006-05-04")
    page.fill("#id_display_name", "Testeur")
    page.check("#id_accept_terms")
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/mon-profil/situation/")


@pytest.mark.parametrize("slug", ["grigny", "gennevilliers"])
def test_a_newcomer_signs_up_registers_exports_and_leaves(phone, demo_cities, slug):
    city = demo_cities[slug]
    base, event = city["url"], city["offers"][0]
    page = phone.new_page()

    # Home, in the city's colours; screenshot kept as an artifact of the run.
    page.goto(f"{base}/")
    assert city["city"].name in page.title()
    header = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == _rgb(city["branding"].primary_color)
    assert page.get_by_text(city["branding"].welcome_text).is_visible()
    page.screenshot(path=str(ARTIFACTS / f"home-{slug}.png"), full_page=True)

    # Sign up, then the questionnaire: answer the first step, skip the others.
    _sign_up(page, base, f"newcomer-{slug}@{E2E_DOMAIN}")
    page.get_by_label("Lycéen·ne").check()
    page.get_by_role("button", name="Continuer").click()
    for _ in range(4):
        page.get_by_role("button", name="Passer").click()
    page.wait_for_url("**/mon-profil/")
    assert page.get_by_text("Lycéen·ne").first.is_visible()

    # Search, open the event, save it and register.
    page.goto(f"{base}/")
    page.fill("#home-q", "futsal")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name=event.title).click()
    page.wait_for_url(f"**/offres/{event.pk}/")
    page.get_by_role("button", name="Garder en favori").click()
    assert page.get_by_text("C'est dans tes favoris.").is_visible()
    page.get_by_role("button", name="Je m'inscris").click()
    assert page.get_by_text("C'est bon, tu es inscrit·e !").is_visible()
    page.goto(f"{base}/mes-inscriptions/")
    assert page.get_by_role("link", name=event.title).is_visible()

    # Download my data: the save and the registration are in it.
    page.goto(f"{base}/mes-donnees/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger").first.click()
    data = json.loads(Path(info.value.path()).read_text())
    assert data["account"]["email"] == f"newcomer-{slug}@{E2E_DOMAIN}"
    assert data["registrations"][0]["status"] == "registered"
    assert data["saves"][0]["offer_id"] == str(event.pk)

    # Delete the account.
    page.goto(f"{base}/mes-donnees/supprimer/")
    page.check("#id_confirm")
    page.get_by_role("button", name="Supprimer mon compte").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_text("Ton compte et tes données personnelles sont supprimés.").is_visible()
    assert page.get_by_role("link", name="Se connecter").is_visible()

    assert phone.console_errors == []


def _axe(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_violation_on_the_core_pages(audit_phone, demo_cities, axe_source):
    phone = audit_phone
    page = phone.new_page()
    report: dict[str, list] = {}
    for slug, city in demo_cities.items():
        base, event = city["url"], city["offers"][0]
        for path in ("/", "/offres/?q=animateur", f"/offres/{event.pk}/", "/inscription/",
                     "/agenda/"):  # fmt: skip
            page.goto(f"{base}{path}")
            report[f"{slug}{path}"] = _axe(page, axe_source)
        _sign_up(page, base, f"axe-{slug}@{E2E_DOMAIN}")
        for path in (
            "/mon-profil/situation/",
            "/mon-profil/",
            "/mon-compte/",
            f"/offres/{event.pk}/",
        ):
            page.goto(f"{base}{path}")
            report[f"{slug}{path} (connecté)"] = _axe(page, axe_source)
        phone.clear_cookies()
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    assert {k: v for k, v in report.items() if v} == {}
    assert len(report) == 3 * 9  # 9 pages in each of the 3 demo cities


def test_home_is_usable_with_the_keyboard_and_focus_is_visible(phone, demo_cities):
    page = phone.new_page()
    page.goto(f"{demo_cities['noisy-le-sec']['url']}/")
    entries = page.locator(".entries a").evaluate_all("els => els.map(e => e.textContent)")
    reached, styles = [], set()
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.textContent.trim(), s.outlineStyle, e.closest('.entries') !== null]; }"
        )
        if focused[2]:
            reached.append(focused[0])
            styles.add(focused[1])
        elif reached:
            break
    assert reached == entries and styles == {"solid"}
    # The first Tab shows the skip link, and Enter on an entry opens it.
    page.goto(page.url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.locator(".entries a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/offres/?kind=emploi")
    assert phone.console_errors == []
