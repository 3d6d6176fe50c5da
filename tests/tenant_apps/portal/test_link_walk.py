"""Every link of every youth page leads somewhere: a walk from the home page finds no 404.

Two demo-like cities (offers of each kind, a structure, an event, an advisor with a slot, a
story), walked breadth-first from `/` anonymously and as a signed-in young person. Each internal
`<a href>`, GET form, stylesheet, script, image and manifest is fetched (static files, which the
test server does not serve with DEBUG off, must be found by the staticfiles finders); each
external link must be an absolute http(s) URL; each `#fragment` must name an element of its page.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import Resolver404, resolve
from django.utils import timezone

from shared_apps.accounts.models import Role, User
from shared_apps.offers.models import OfferKind
from tenant_apps.matching import services as matching_services
from tenant_apps.portal import services as portal_services
from tenant_apps.portal.models import Inspiration, InspirationStatus
from tenant_apps.youth.models import YouthProfile
from tenant_apps.youth.services import verification_token
from tenants.context import in_city
from tests.conftest import PASSWORD, host_of
from tests.tenant_apps.catalogue.factories import make_national, make_offer, make_structure
from tests.tenant_apps.youth.factories import make_youth

MAX_URLS = 400
# Not youth pages: the staff area and the operator console (their own tests walk them).
OUT_OF_SCOPE = ("/staff/", "/console/")
# A link whose page answers one of these is broken (a GET link to a POST-only view is too).
BROKEN = {404, 405, 410}
HARMLESS_SCHEMES = ("mailto:", "tel:", "sms:")
# Pages the walk must reach, or it did not really walk the portal.
EVERYONE_REACHES = (
    "/offres/", "/agenda/", "/structures/", "/mes-droits/", "/accompagnement/",
    "/inspirations/", "/a-propos/", "/hors-ligne/", "/manifest.webmanifest", "/sw.js",
)  # fmt: skip
SIGNED_IN_REACHES = (
    "/mon-compte/", "/mon-profil/", "/mon-profil/situation/", "/mes-favoris/",
    "/mes-inscriptions/", "/mes-rendez-vous/", "/mes-messages/", "/mes-donnees/", "/pour-toi/",
)  # fmt: skip


class _Page(HTMLParser):
    """The references and ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []  # (what, reference as written)
        self.get_forms: list[tuple[str, list[tuple[str, str]]]] = []  # (action, fields)
        self.post_actions: list[str] = []
        self.ids: set[str] = set()
        self._form: dict | None = None
        self._select: dict | None = None
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "a" and "href" in a:
            self.refs.append(("a", a["href"]))
        elif tag == "link" and "href" in a:
            rel = set(a.get("rel", "").lower().split())
            if rel & {"stylesheet", "manifest", "icon", "apple-touch-icon", "preload"}:
                self.refs.append(("link", a["href"]))
        elif tag in ("script", "img", "iframe", "source") and a.get("src"):
            self.refs.append((tag, a["src"]))
        elif tag == "form":
            method = a.get("method", "get").lower()
            self._form = {"get": method == "get", "action": a.get("action", ""), "fields": []}
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self._form["fields"].append((a["name"], a.get("value", "")))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "first": None, "selected": None}
        elif self._select is not None and tag == "option":
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"] = value
        if tag == "script" and not a.get("src"):
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"]
            if chosen is None:
                chosen = self._select["first"] or ""
            self._form["fields"].append((self._select["name"], chosen))
            self._select = None
        elif tag == "form" and self._form is not None:
            form, self._form = self._form, None
            if form["get"]:
                self.get_forms.append((form["action"], form["fields"]))
            else:
                self.post_actions.append(form["action"])
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:  # e.g. navigator.serviceWorker.register("/sw.js")
            self.refs.extend(("script-path", path) for path in _quoted_paths(data))


def _quoted_paths(text: str) -> list[str]:
    """Root-relative paths written as string literals in a script (its own URLs)."""
    return [p for p in re.findall(r"""["'](/[^"'\s]*)["']""", text) if p != settings.STATIC_URL]


@dataclass
class Walk:
    """What a walk saw and what it found wrong."""

    host: str
    visited: dict[str, int] = field(default_factory=dict)  # url -> status
    ids: dict[str, set[str]] = field(default_factory=dict)  # html url -> its ids
    fragments: list[tuple[str, str, str]] = field(default_factory=list)  # (page, url, id)
    problems: list[str] = field(default_factory=list)
    externals: set[str] = field(default_factory=set)
    static: set[str] = field(default_factory=set)

    def is_ours(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("", "http", "https") and (parts.hostname or self.host) == self.host


def _post_target_problem(walk: Walk, page: str, action: str) -> str | None:
    absolute = urljoin(f"http://{walk.host}{page}", action)
    if not walk.is_ours(absolute):
        return f"{page}: a form posts to another site: {action!r}"
    try:
        resolve(urlsplit(absolute).path, urlconf=settings.ROOT_URLCONF)
    except Resolver404:
        return f"{page}: a form posts to {action!r}, which no view answers"
    return None


def _walk(client, host: str, *, entries: dict[str, int] | None = None) -> Walk:
    """Breadth-first from `/`, and from `entries` (URLs that come in by e-mail or by mistake,
    with the status they answer by design: a 404 page's own links must work too)."""
    walk = Walk(host=host)
    expected = {"/": 200, **(entries or {})}
    queue: deque[tuple[str, str]] = deque((url, "(entry)") for url in expected)
    queued = set(expected)

    def see(ref: str, base: str, what: str) -> None:
        ref = ref.strip()
        if not ref or ref.startswith(HARMLESS_SCHEMES):
            return
        if ref.startswith("#"):
            walk.fragments.append((base, base, ref[1:]))
            return
        absolute, fragment = urldefrag(urljoin(f"http://{host}{base}", ref))
        parts = urlsplit(absolute)
        if not walk.is_ours(absolute):
            if parts.scheme not in ("http", "https") or not parts.netloc:
                walk.problems.append(f"{base}: {what} {ref!r} is not an absolute http(s) URL")
            walk.externals.add(absolute)
            return
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if fragment:
            walk.fragments.append((base, path, fragment))
        if path.startswith(settings.STATIC_URL):
            walk.static.add(path)
            if not finders.find(parts.path[len(settings.STATIC_URL) :]):
                walk.problems.append(f"{base}: {what} {ref!r}: no such static file")
            return
        if path.startswith(OUT_OF_SCOPE) or path in queued:
            return
        queued.add(path)
        queue.append((path, base))

    while queue and len(walk.visited) < MAX_URLS:
        url, referrer = queue.popleft()
        response = client.get(url)
        status = response.status_code
        walk.visited[url] = status
        if url in expected:
            if status != expected[url]:
                walk.problems.append(f"entry {url} answers {status}, not {expected[url]}")
        elif status in BROKEN or status >= 500:
            walk.problems.append(f"{referrer}: link to {url} answers {status}")
            continue
        if 300 <= status < 400:
            see(response["Location"], url, "redirect")
            continue
        content_type = response.get("Content-Type", "")
        if status != expected.get(url, 200) or url.startswith("/api/"):
            continue
        if content_type.startswith("text/html"):
            page = _Page()
            page.feed(response.content.decode())
            walk.ids[url] = page.ids
            for what, ref in page.refs:
                see(ref, url, what)
            for action, fields in page.get_forms:  # submitted as they stand, like a browser
                see(f"{(action or url).split('?')[0]}?{urlencode(fields)}", url, "GET form")
            for action in page.post_actions:  # never submitted, but must lead to a view
                if problem := _post_target_problem(walk, url, action):
                    walk.problems.append(problem)
        elif "manifest" in content_type:
            manifest = json.loads(response.content)
            for ref in [manifest.get("start_url", "/")] + [i["src"] for i in manifest["icons"]]:
                see(ref, url, "manifest")
        elif "javascript" in content_type:
            for ref in _quoted_paths(response.content.decode()):
                see(ref, url, "script path")
    for page, target, fragment in walk.fragments:
        ids = walk.ids.get(target)
        if ids is not None and fragment and fragment not in ids:
            walk.problems.append(f"{page}: link to {target}#{fragment}: no such id")
    return walk


UNDER_26 = {"conditions_generales": [{"type": "age", "operator": "<", "value": 26}]}
# A student whose grant is unknown gets a "maybe", so « Mes droits » asks a question.
STUDENT_BOURSIER = {"profils": [{"type": "etudiant", "conditions": [{"type": "boursier"}]}]}


def _populate(city, make_user) -> None:
    """A demo-like city: published offers of every kind, a structure, an event, an advisor with
    a slot, a story, and a young person who saved, registered and booked."""
    editor = make_user(city, f"editor@{city.slug}.test", Role.EDITOR)
    with in_city(city):
        make_offer(kind="aide", title=f"Aide des moins de 26 ans à {city.name}",
                   eligibility=UNDER_26, amount_value=100, periodicity="mensuelle")  # fmt: skip
        structure = make_structure(
            name=f"Point jeunes de {city.name}", address="1 place de la Mairie",
            website="https://exemple.fr/point-jeunes", email="pij@exemple.fr",
            phone="01 23 45 67 89", latitude=48.65, longitude=2.39,
        )  # fmt: skip
        for kind in OfferKind.values:
            for i in range(3):  # 18 + the aids and the event below: more than a page of 20
                make_offer(
                    kind=kind, title=f"{kind} {i} à {city.name}", summary="Pour les 15-25 ans.",
                    structure=structure, apply_url="https://exemple.fr/candidater",
                    contact_email="contact@exemple.fr", contact_phone="01 23 45 67 89",
                    themes=["trouver-un-emploi"], source_url="https://exemple.fr/source",
                    image_url="https://exemple.fr/image.jpg",
                    video_url="https://exemple.fr/video", panorama_url="https://exemple.fr/360",
                )  # fmt: skip
        event = make_offer(
            kind="evenement", title=f"Tournoi de futsal à {city.name}", capacity=10,
            starts_at=timezone.now() + timedelta(days=3), address="Gymnase Jean-Jaurès",
            structure=structure,
        )  # fmt: skip
        advisor = matching_services.advisor_create(
            kind="advisor", display_name="Awa", organisation="Mission locale",
            job_title="Conseillère", bio="J'aide à trouver une formation.",
            topics=["trouver-un-emploi"], formats=["individuel"],
            video_url="https://exemple.fr/awa", video_text="Awa se présente en une minute.",
        )  # fmt: skip
        start = timezone.now() + timedelta(days=2)
        slots = [
            matching_services.slot_create(
                advisor=advisor,
                starts_at=start + timedelta(hours=h),
                ends_at=start + timedelta(hours=h, minutes=45),
                format="individuel",
            )
            for h in (0, 1)
        ]
        story = portal_services.inspiration_create(
            by=editor, title="Du BAFA à l'animation", person="Yanis", age=19,
            summary="Yanis anime le centre de loisirs.", body="Il a commencé par le BAFA.",
            link_url="https://exemple.fr/bafa",
        )  # fmt: skip
        Inspiration.objects.filter(pk=story.pk).update(
            status=InspirationStatus.PUBLISHED, published_at=timezone.now()
        )
        youth = make_youth(f"jeune@{city.slug}.test", display_name="Jeune")
        YouthProfile.objects.filter(user=youth).update(
            situation="etudiant", looking_for=["emploi"], interests=["trouver-un-emploi"]
        )
        portal_services.save_add(user=youth, offer_id=event.pk)
        portal_services.registration_create(user=youth, offer_id=event.pk)
        matching_services.booking_create(slot_id=slots[0].pk, user=youth, message="Une formation")


@pytest.fixture
def demo_like_cities(grigny, gennevilliers, make_user):
    make_national(title="Aide nationale au permis", apply_url="https://exemple.fr/permis")
    make_national(title="Coup de pouce étudiant boursier", eligibility=STUDENT_BOURSIER)
    for city in (grigny, gennevilliers):
        _populate(city, make_user)
    return grigny, gennevilliers


def _entries_from_outside(city) -> dict[str, int]:
    """The pages a young person opens from an e-mail, or from a stale or mistyped link."""
    with in_city(city):
        youth = User.objects.get(email=f"jeune@{city.slug}.test")
        token = matching_services.notification_settings_for(user=youth).unsubscribe_token
        verify = verification_token(user=youth)
    return {
        f"/desabonnement/{token}/": 200,
        f"/compte/verifier/{verify}/": 302,
        "/compte/verifier/perime/": 404,
        "/cette-page-n-existe-pas/": 404,
    }


def _signed_in(client_for, city):
    client = client_for(city)
    response = client.post(
        "/connexion/", {"username": f"jeune@{city.slug}.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_no_youth_page_links_to_a_missing_page(client_for, demo_like_cities):
    walks = {}
    for city in demo_like_cities:
        entries = _entries_from_outside(city)
        visitor = client_for(city)
        if city.slug == "grigny":  # one visitor has answered the home page's three questions
            answers = {"birth_date": "2005-03-01", "situation": "etudiant", "boursier": "oui"}
            assert visitor.post("/mes-droits/", answers).status_code == 302
        walks[(city.slug, "anonymous")] = _walk(visitor, host_of(city), entries=entries)
        signed_in = _signed_in(client_for, city)
        walks[(city.slug, "young person")] = _walk(signed_in, host_of(city), entries=entries)

    for (slug, who), walk in walks.items():
        print(
            f"{slug} ({who}): {len(walk.visited)} URLs fetched, {len(walk.static)} static files, "
            f"{len(walk.externals)} external links"
        )
    problems = [f"{slug} ({who}) {p}" for (slug, who), w in walks.items() for p in w.problems]
    assert not problems, "\n".join(problems)
    for (slug, who), walk in walks.items():
        # The walk really went everywhere a young person goes, and stayed under its cap.
        assert len(walk.visited) < MAX_URLS, (slug, who)
        reached = set(walk.visited)
        for path in EVERYONE_REACHES:
            assert path in reached, (slug, who, path)
        assert any(u.startswith("/offres/") and u.count("-") == 4 for u in reached)
        assert any(u.startswith("/offres/?") and "page=2" in u for u in reached)
        assert any(u.startswith("/accompagnement/") and u[-2].isdigit() for u in reached)
        if who == "young person":
            for path in SIGNED_IN_REACHES:
                assert walk.visited.get(path) == 200, (slug, path, walk.visited.get(path))
        else:
            assert {"/connexion/", "/inscription/"} <= reached, (slug, who)
