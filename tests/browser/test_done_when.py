"""Issue 14's « done when », in a real browser: a Noisy-le-Sec young person reads a Grigny story
linked to an offer near them, looks at a structure's panorama, finds the structure with room for
« aide au permis », answers the city's poll, scans a poster's QR code, and gets a push when a
matching offer is published. Grigny's staff share (then withdraw) the story; Noisy-le-Sec's staff
publish the offer. On the way: a double submit, garbage in the services search, a QR code for
nothing, another city's QR code.

Push: headless Chromium has no Push API in a fresh (incognito) context, and a persistent profile
waits forever for Google's push service, unreachable here; so the page's PushManager.subscribe()
is replaced by one returning a real P-256 device key (tests/tenant_apps/matching/test_push.py's
Device) with an endpoint on a local fake push service, which decrypts what the server's worker
sends. The service worker's side is checked with DevTools' ServiceWorker.deliverPushMessage.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import uuid

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, E2E_DOMAIN
from tests.conftest import E2E_PUSH_PATH
from tests.tenant_apps.matching.test_push import Device, FakePushService

pytestmark = pytest.mark.browser

PASSWORD = "un mot de passe solide"
DESKTOP = {"width": 1280, "height": 900}
SMALL_PHONE = {"width": 360, "height": 740}
PERMIS = "mobilite--preparer-un-permis"


@pytest.fixture
def push_service():
    server = FakePushService()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _panorama_webp() -> bytes:
    image = Image.new("RGB", (1024, 512), (90, 150, 210))
    for x in range(0, 1024, 128):
        image.paste((200, 120, 60), (x, 256, x + 64, 512))
    buffer = io.BytesIO()
    image.save(buffer, "WEBP")
    return buffer.getvalue()


@pytest.fixture
def journey(demo_cities, celery_worker):
    """Grigny and Noisy-le-Sec staff, a Noisy-le-Sec young person, Noisy-le-Sec's structures with
    their services and a panorama, an open poll, a draft offer that fits the young person."""
    from django.core.files.base import ContentFile

    from shared_apps.accounts.models import Role
    from shared_apps.accounts.services import user_create, user_delete
    from shared_apps.network.services import story_withdraw
    from tenant_apps.catalogue.models import OfferStatus, StructureService
    from tenant_apps.catalogue.services import structure_service_save
    from tenant_apps.youth.models import YouthProfile
    from tenants.context import in_city
    from tenants.features import feature_allow, feature_enable, feature_enabled
    from tests.tenant_apps.catalogue.factories import make_offer, make_structure

    grigny, noisy = demo_cities["grigny"], demo_cities["noisy-le-sec"]
    with in_city(grigny["city"]):
        grigny_staff = user_create(
            email=f"histoires-grigny@{E2E_DOMAIN}", role=Role.EDITOR, password=PASSWORD
        )
    with in_city(noisy["city"]):
        noisy_staff = user_create(
            email=f"editeur-noisy@{E2E_DOMAIN}", role=Role.EDITOR, password=PASSWORD
        )
        young = user_create(email=f"jeune-noisy@{E2E_DOMAIN}", role=Role.YOUTH, password=PASSWORD)
        YouthProfile.objects.create(user=young, birth_date="2006-03-01", interests=["sport"])
        was_on = feature_enabled(noisy["city"], "notifications")
        feature_allow(city=noisy["city"], key="notifications", allowed=True, by="test")
        feature_enable(city=noisy["city"], key="notifications", enabled=True, by="test")
        room = noisy["structure"]  # « Point Info Jeunesse de Noisy-le-Sec »
        room.panorama.save("panorama.webp", ContentFile(_panorama_webp()))
        structure_service_save(
            structure=room, by=noisy_staff, theme=PERMIS, places_available=4,
            description="Aide au permis : code en groupe et heures de conduite financées.",
        )  # fmt: skip
        full = make_structure(name="Espace jeunes complet", latitude=48.89, longitude=2.46)
        structure_service_save(
            structure=full, by=noisy_staff, theme=PERMIS, places_available=0,
            description="Aide au permis, complet ce mois-ci.",
        )  # fmt: skip
        from tenant_apps.voice.services import poll_save, poll_set_status

        poll = poll_save(
            by=noisy_staff,
            fields={"title": "L'espace jeunes, tu le veux ouvert quand ?"},
            questions=[
                {"kind": "single", "label": "Ton créneau préféré", "required": True,
                 "choices": ["Le soir", "Le samedi", "Pendant les vacances"]},
                {"kind": "scale", "label": "L'accueil aujourd'hui"},
            ],
        )  # fmt: skip
        poll_set_status(poll=poll, by=noisy_staff, status="open")
        offer = make_offer(
            kind="emploi", title="Animateur·rice sport au club de Noisy-le-Sec",
            summary="Encadre les ateliers sport du mercredi.", themes=["sport"],
            status=OfferStatus.DRAFT,
        )  # fmt: skip
    yield {
        "grigny": grigny, "noisy": noisy, "young": young, "room": room, "full": full,
        "poll": poll, "offer": offer,
    }  # fmt: skip
    with in_city(grigny["city"]):
        story_withdraw(city=grigny["city"], source_id=grigny["story"].pk)
        user_delete(user=grigny_staff)
    with in_city(noisy["city"]):
        from tenant_apps.matching.models import InboxMessage
        from tenant_apps.voice.models import Poll

        InboxMessage.objects.filter(offer_id=offer.pk).delete()
        offer.delete()
        Poll.objects.filter(pk=poll.pk).delete()
        StructureService.objects.filter(structure__in=[room, full]).delete()
        full.delete()
        room.panorama.delete(save=True)
        feature_enable(city=noisy["city"], key="notifications", enabled=was_on, by="test")
        user_delete(user=noisy_staff)


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/connexion/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _context(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, locale="fr-FR", **options)
    context.set_default_timeout(15_000)
    errors: list[str] = []
    context.on(
        "page",
        lambda page: page.on(
            "console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}")
        ),
    )
    context.console_errors = errors
    return context


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"done-when-{name}.png"), full_page=True)


def _stub_push_subscribe(context, subscription: dict) -> None:
    """PushManager.subscribe() answers with this device's subscription (see the module doc)."""
    context.add_init_script(
        "if (window.PushManager) {"
        " PushManager.prototype.getSubscription = async () => null;"
        f" const json = {json.dumps(subscription)};"
        " PushManager.prototype.subscribe = async () => ({ toJSON: () => json }); }"
    )


def _share_story(browser, base: str, story, offer_title: str) -> None:
    """Grigny's editor links the story to an offer, records the consent, shares it."""
    staff = _context(browser, DESKTOP)
    page = staff.new_page()
    _sign_in(page, base, f"histoires-grigny@{E2E_DOMAIN}")
    page.goto(f"{base}/staff/inspirations/{story.pk}/")
    offers = page.get_by_role("group", name="Offres dont parle l'histoire (« moi aussi »)")
    offers.get_by_label(offer_title).check()
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("L'histoire est enregistrée.").is_visible()
    row = page.locator("tr", has_text=story.title)
    row.get_by_role("button", name="Le jeune a donné son accord écrit pour le réseau").click()
    row = page.locator("tr", has_text=story.title)
    row.get_by_role("button", name="Partager avec le réseau des villes").click()
    assert page.get_by_text("L'histoire est partagée avec le réseau des villes.").is_visible()
    _shot(page, "grigny-staff-shared")
    assert staff.console_errors == []
    staff.close()


def _withdraw_story(browser, base: str, story) -> None:
    staff = _context(browser, DESKTOP)
    page = staff.new_page()
    _sign_in(page, base, f"histoires-grigny@{E2E_DOMAIN}")
    page.goto(f"{base}/staff/inspirations/")
    page.locator("tr", has_text=story.title).get_by_role(
        "button", name="Retirer du réseau des villes"
    ).click()
    page.wait_for_load_state()
    staff.close()


def _publish_offer(browser, base: str, offer) -> None:
    staff = _context(browser, DESKTOP)
    page = staff.new_page()
    _sign_in(page, base, f"editeur-noisy@{E2E_DOMAIN}")
    page.goto(f"{base}/staff/offres/{offer.pk}/")
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()
    assert page.get_by_text("Publiée").first.is_visible()
    staff.close()


def _fetch(page, path: str) -> dict:
    """GET from the page itself (Playwright's own HTTP client does not resolve *.localhost)."""
    return page.evaluate(
        "async (path) => { const r = await fetch(path, {headers: {Accept: 'application/json'}});"
        " return {status: r.status, type: r.headers.get('content-type'), body: await r.text()}; }",
        path,
    )


def _wait_for(predicate, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def test_a_noisy_young_person_walks_issue_14s_done_when(browser, journey, push_service):
    grigny, noisy = journey["grigny"], journey["noisy"]
    base, story = noisy["url"], grigny["story"]
    grigny_job = grigny["offers"][1]  # « Job d'été animateur », also an offer of Noisy-le-Sec
    _share_story(browser, grigny["url"], story, grigny_job.title)

    device = Device(f"{push_service.base}{E2E_PUSH_PATH}{uuid.uuid4().hex}")
    phone = _context(browser, SMALL_PHONE)
    phone.grant_permissions(["notifications"], origin=base)
    _stub_push_subscribe(phone, device.subscription())
    page = phone.new_page()
    _sign_in(page, base, journey["young"].email)

    # A Grigny story, « d'ailleurs », and its « moi aussi » leads to the same kind of offer here.
    page.goto(f"{base}/inspirations/")
    shared = page.locator('h2:text-is("D\'ailleurs") + ul.list').get_by_role(
        "link", name=story.title
    )
    copy_path = shared.get_attribute("href")
    shared.click()
    assert page.get_by_text("une histoire de Grigny").is_visible()
    _shot(page, "story-from-grigny")
    page.get_by_role("link", name=re.compile(f"Des offres comme « {grigny_job.title} »")).click()
    near = noisy["offers"][1]
    assert near.title == grigny_job.title
    assert page.locator(f"a[href='/offres/{near.pk}/']").first.is_visible()

    # Where is there room for « aide au permis »: the structure with room first.
    page.goto(f"{base}/structures/")
    page.fill("#service", "aide au permis")
    page.get_by_role("button", name="Chercher").click()
    hits = page.locator("main ul.list").first.locator("> li h3")
    assert hits.all_inner_texts() == [
        f"{journey['room'].name} · Préparer un permis",
        "Espace jeunes complet · Préparer un permis",
    ]
    assert page.get_by_text("4 places disponibles").first.is_visible()
    assert page.get_by_text("Complet pour l'instant").first.is_visible()
    _shot(page, "room-for-permis")

    # Its welcome booklet: the panorama is fetched only when asked for, and the viewer draws it.
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.get_by_role("link", name=f"Voir le lieu ({journey['room'].name})").click()
    panorama = journey["room"].panorama.url
    assert not [u for u in asked if u.endswith(panorama)]
    page.get_by_role("button", name="Lancer la visite à 360°").click()
    stage = page.get_by_role("img", name=f"Panorama à 360° de {journey['room'].name}")
    page.locator(".pnlm-render-container canvas").wait_for()
    assert stage.bounding_box()["height"] > 200
    _wait_for(lambda: page.locator(".pnlm-load-box").is_hidden(), timeout=10)
    _shot(page, "panorama")

    # The city's poll, answered once; a second tab's submit of the same form is told kindly.
    poll = journey["poll"]
    other = phone.new_page()
    for tab in (page, other):
        tab.goto(f"{base}/donne-ton-avis/")
        tab.get_by_role("link", name=poll.title).click()
        tab.get_by_label("Le samedi").check()
        tab.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    assert page.get_by_text("Merci ! Ta réponse compte pour la ville.").is_visible()
    other.get_by_role("button", name="Envoyer mes réponses").click()
    assert other.get_by_text("Tu as déjà répondu à ce sondage, merci !").is_visible()
    other.close()
    from tenant_apps.voice.models import PollResponse
    from tenants.context import in_city

    with in_city(noisy["city"]):
        assert PollResponse.objects.filter(poll=poll).count() == 1

    # The structure's poster code opens its booklet with the scan's source.
    room = journey["room"]
    svg = _fetch(page, f"/qr/structure/{room.pk}.svg")
    assert svg["status"] == 200 and svg["type"] == "image/svg+xml"
    from tenant_apps.portal.qr import qr_svg_document
    from tenants.models import build_url

    scanned = f"/structures/{room.pk}/?src=qr-structure"  # what the code carries, read back
    url = build_url(noisy["city"].primary_host, scanned)
    assert svg["body"] == qr_svg_document(url, title=room.name)
    page.goto(f"{base}{scanned}")
    assert page.get_by_role("heading", name=room.name, level=1).is_visible()
    for path in (f"/qr/structure/{uuid.uuid4()}.svg", f"/qr/offre/{grigny_job.pk}.svg",
                 f"/qr/structure/{grigny['structure'].pk}.svg", "/qr/ville/grigny.svg",
                 "/qr/machin/1.svg"):  # fmt: skip
        response = page.goto(f"{base}{path}")
        assert response.status == 404, path
        assert page.locator("html").get_attribute("lang") == "fr", path

    # Garbage in the services search is a 400 in the error shape, never a 500.
    for query in ("q=permis&near=garbage", "q=permis&near=999,999", "q=%00", "q=" + "x" * 500):
        response = _fetch(page, f"/api/v1/services/?{query}")
        assert response["status"] == 400, query
        assert set(json.loads(response["body"])["error"]) == {"code", "message", "fields"}

    # Push: opt in on « Mon compte »; the service worker shows what a push carries.
    page.goto(f"{base}/mon-compte/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    with page.expect_response("**/api/v1/me/push-subscriptions/") as posted:
        page.get_by_role("button", name="Activer les notifications sur ce téléphone").click()
    assert posted.value.status == 201
    assert json.loads(posted.value.request.post_data)["endpoint"] == device.endpoint
    assert page.get_by_text("C'est activé sur ce téléphone.").is_visible()
    _shot(page, "push-on")
    cdp = phone.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(40):
        if registrations:
            break
        page.wait_for_timeout(100)
    payload = {
        "title": "Essai",
        "body": "Une notification",
        "url": f"{base}/mes-messages/",
        "tag": "t1",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registrations[0]["registrationId"],
         "data": json.dumps(payload)},
    )  # fmt: skip
    shown = []
    for _ in range(40):
        shown = page.evaluate(
            "async () => (await (await navigator.serviceWorker.ready).getNotifications())"
            ".map(n => [n.title, n.body, n.tag])"
        )
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [["Essai", "Une notification", "t1"]]

    # Noisy-le-Sec's editor publishes an offer that fits: the worker pushes it to the device.
    offer = journey["offer"]
    _publish_offer(browser, base, offer)
    received = _wait_for(lambda: push_service.received, timeout=30)
    assert received, "no push reached the push service"
    message = device.read(received[0]["body"])
    assert message["title"] == offer.title
    assert message["url"].endswith(f"/offres/{offer.pk}/")
    assert received[0]["headers"]["authorization"].startswith("vapid t=")

    # Grigny withdraws the story: it vanishes here at once.
    _withdraw_story(browser, grigny["url"], story)
    page.goto(f"{base}/inspirations/")
    assert page.get_by_role("heading", name="D'ailleurs").count() == 0
    assert page.goto(f"{base}{copy_path}").status == 404
    # The 404s and 400s asked for above are the only resources that failed.
    expected = re.compile(r"status of 40[04] \((Not Found|Bad Request)\)")
    assert [e for e in phone.console_errors if not expected.search(e)] == []
    phone.close()
