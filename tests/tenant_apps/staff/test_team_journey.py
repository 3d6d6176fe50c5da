"""Issue 10's « Done when », played end to end through the real pages of Grigny's host:

Grigny's admin invites an editor, an elected official, a partner association and an advisor
(each accepts through the link in their mail, then signs in at /connexion/); the partner submits
an offer for its structure and cannot touch any other; the editor rejects it with a reason and
the partner reads it; a young person books a group session with the advisor (who opened it in
« Mon agenda »), both get a reminder with the place the day before, and the elected official
sees none of the young person's words. Gennevilliers sees none of it.

Only the fixtures a city starts with are made directly (the admin account, two structures and
an offer of the other structure): everything else goes through the pages people use.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from shared_apps.accounts.models import Role, User
from tenant_apps.catalogue.models import Offer, OfferStatus
from tenant_apps.matching.models import Booking, Slot
from tenant_apps.matching.tasks import send_booking_reminders_everywhere
from tenants.context import in_city
from tests.conftest import PASSWORD, host_of
from tests.tenant_apps.catalogue.factories import make_offer, make_structure

# The team Grigny's admin invites: e-mail → role.
EDITOR, VIEWER, PARTNER, ADVISOR = (
    "redaction@grigny.test",
    "elu@grigny.test",
    "asso-boxe@grigny.test",
    "awa.conseil@grigny.test",
)
# Each invitee's own password, chosen on the invitation page.
CHOSEN = {
    EDITOR: "la rédaction relit tout",
    VIEWER: "un élu qui regarde les chiffres",
    PARTNER: "le club de boxe du quartier",
    ADVISOR: "la mission locale reçoit",
}
# The young person, in her own words.
YOUTH_EMAIL, PSEUDONYM = "nouhaila.b@exemple.fr", "Nouhaila"
MESSAGE = "J'aimerais parler de mon stage, je n'ose pas le dire à ma mère."
PLACE = "Salle Pablo-Picasso, 4 rue de la Paix, Grigny"
REASON = "Précise l'âge minimum et les horaires du gala."


def _text(response) -> str:
    """What a reader sees of a response: a page with its entities (&#x27;) decoded, or the
    text of a PDF download."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    return html.unescape(response.content.decode())


def _sign_in(host: str, email: str, password: str) -> tuple[Client, HttpResponse]:
    """A fresh browser that signs in through /connexion/; returns it and the response."""
    client = Client(HTTP_HOST=host)
    response = client.post("/connexion/", {"username": email, "password": password})
    return client, response


def _invitation_path(email: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [email]]
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    return urlsplit(link).path


def _menu(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Espace agents" class="staff-nav">(.*?)</nav>', page, re.S)
    assert nav, "no staff menu on the page"
    return re.findall(r'<a href="(/[^"]*)"', nav.group(1))


def _staff_pages_reachable(client: Client, start: str) -> dict[str, str]:
    """Every page the menu lists, and every back-office page those pages link to (one level
    down, GET only): {url: text} for those that open (200)."""
    menu = _menu(client.get(start, follow=True).content.decode())
    seen: dict[str, str] = {}
    for url in menu:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        seen[url] = _text(response)
    for page in list(seen.values()):
        for url in re.findall(r'href="(/staff/[^"#]*)"', page):
            url = html.unescape(url)
            if url in seen:
                continue
            response = client.get(url)
            if response.status_code == 200:
                seen[url] = _text(response)
    return seen


@pytest.fixture
def city(grigny, make_user):
    """What Grigny has before the journey: its admin, the boxing club (the partner's), the
    youth centre with an evening it published, and a draft of the city's own."""
    admin = make_user(grigny, "admin@grigny.test", Role.ADMIN)
    with in_city(grigny):
        boxing = make_structure(name="Club de boxe de Grigny")
        centre = make_structure(name="Maison des jeunes")
        theirs = make_offer(title="Soirée jeux de société", structure=centre)
        draft = make_offer(title="Brouillon de la mairie", status=OfferStatus.DRAFT)
    return {"admin": admin, "boxing": boxing, "centre": centre, "theirs": theirs, "draft": draft}


def test_grigny_team_journey(
    city,
    grigny,
    gennevilliers,
    make_user,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    host = host_of(grigny)

    def sent():  # mails leave when the request's transaction commits
        return django_capture_on_commit_callbacks(execute=True)

    # 1. Grigny's admin signs in and invites the team: editor, elected official (viewer),
    # partner association (with its structure), advisor.
    admin, signed = _sign_in(host, "admin@grigny.test", PASSWORD)
    assert signed.status_code == 302 and signed["Location"] == "/staff/"
    invites = [
        {"email": EDITOR, "role": "editor"},
        {"email": VIEWER, "role": "viewer"},
        {"email": PARTNER, "role": "partner", "structures": [city["boxing"].pk]},
        {"email": ADVISOR, "role": "advisor"},
    ]
    for data in invites:
        with sent():
            response = admin.post("/staff/equipe/", data)
        assert response.status_code == 302, _text(response)
    team = _text(admin.get("/staff/equipe/"))
    assert all(email in team for email in CHOSEN) and "Club de boxe de Grigny" in team
    assert sorted(m.to[0] for m in mail.outbox) == sorted(CHOSEN)

    # 2. Each invitee follows the link in their mail, chooses a password (and is signed in, on
    # their back-office), then signs in again through /connexion/ from another browser.
    people: dict[str, Client] = {}
    for email, password in CHOSEN.items():
        path = _invitation_path(email)
        browser = Client(HTTP_HOST=host)
        assert browser.get(path).status_code == 200
        accepted = browser.post(path, {"password": password})
        assert accepted.status_code == 302 and accepted["Location"] == "/staff/", email
        again = Client(HTTP_HOST=host).post(path, {"password": "une autre phrase"})
        assert again.status_code == 404  # the link serves once
        people[email], signed = _sign_in(host, email, password)
        assert signed.status_code == 302 and signed["Location"] == "/staff/", email
    with in_city(grigny):
        roles = dict(User.objects.filter(email__in=CHOSEN).values_list("email", "role"))
    assert roles == {EDITOR: Role.EDITOR, VIEWER: Role.VIEWER, PARTNER: Role.PARTNER,
                     ADVISOR: Role.ADVISOR}  # fmt: skip
    editor, viewer, partner, advisor = (people[e] for e in (EDITOR, VIEWER, PARTNER, ADVISOR))

    # 3. The partner writes an event for its structure and sends it for review.
    made = partner.post(
        "/staff/offres/nouvelle/?type=evenement",
        {"kind": "evenement", "title": "Gala de boxe", "structure": city["boxing"].pk,
         "starts_at": (timezone.localdate() + timedelta(days=30)).isoformat() + "T18:00"},
    )  # fmt: skip
    assert made.status_code == 302, _text(made)
    with in_city(grigny):
        gala = Offer.objects.get(title="Gala de boxe")
    assert gala.structure_id == city["boxing"].pk and gala.status == OfferStatus.DRAFT
    assert partner.post(f"/staff/offres/{gala.pk}/statut/", {"action": "submit"}).status_code == 302
    with in_city(grigny):
        gala.refresh_from_db()
    assert gala.status == OfferStatus.IN_REVIEW

    # ... and cannot touch any other offer: not another structure's, not the city's draft.
    listing = _text(partner.get("/staff/offres/"))
    assert "Gala de boxe" in listing
    assert "Soirée jeux de société" not in listing and "Brouillon de la mairie" not in listing
    for other in (city["theirs"], city["draft"]):
        assert partner.get(f"/staff/offres/{other.pk}/").status_code in (403, 404)
        edit = partner.post(f"/staff/offres/{other.pk}/", {"kind": "aide", "title": "Piraté"})
        assert edit.status_code in (403, 404)
        for action in ("submit", "archive", "publish"):
            moved = partner.post(f"/staff/offres/{other.pk}/statut/", {"action": action})
            assert moved.status_code in (403, 404), action
        partner.post("/staff/offres/actions/", {"ids": [other.pk], "action": "archive"})
    assert partner.get("/staff/relecture/").status_code == 403
    with in_city(grigny):
        untouched = {o.pk: (o.title, o.status) for o in Offer.objects.exclude(pk=gala.pk)}
    assert untouched == {
        city["theirs"].pk: ("Soirée jeux de société", OfferStatus.PUBLISHED),
        city["draft"].pk: ("Brouillon de la mairie", OfferStatus.DRAFT),
    }

    # 4. The editor finds it in the review queue and sends it back with a reason.
    queue = _text(editor.get("/staff/relecture/"))
    assert "Gala de boxe" in queue
    with sent():
        rejected = editor.post(
            f"/staff/relecture/{gala.pk}/", {"decision": "reject", "reason": REASON}
        )
    assert rejected.status_code == 302
    with in_city(grigny):
        gala.refresh_from_db()
    assert gala.status == OfferStatus.DRAFT and gala.review_reason == REASON
    # The partner reads the reason: in the back-office inbox, on the offer, and by e-mail.
    assert REASON in _text(partner.get("/staff/messages/"))
    assert REASON in _text(partner.get(f"/staff/offres/{gala.pk}/"))
    assert any(m.to == [PARTNER] and REASON in m.body for m in mail.outbox)

    # 5. The admin gives the advisor account its record (formats: individual and group); the
    # advisor opens a group session in « Mon agenda », with its place, in three days.
    with in_city(grigny):
        advisor_account = User.objects.get(email=ADVISOR)
    assert "pas encore relié" in _text(advisor.get("/staff/mon-agenda/"))
    linked = admin.post(
        "/staff/accompagnement/nouveau/",
        {"kind": "advisor", "display_name": "Awa", "organisation": "Mission locale",
         "bio": "Je t'aide à trouver un stage ou un job.", "formats": ["individuel", "collectif"],
         "languages": "", "account": advisor_account.pk},
    )  # fmt: skip
    assert linked.status_code == 302, _text(linked)
    day = timezone.localdate() + timedelta(days=3)
    opened = advisor.post(
        "/staff/mon-agenda/creneaux/",
        {"date": day.isoformat(), "start_time": "14:00", "duration": "90", "format": "collectif",
         "capacity": "6", "place": PLACE, "video_link": "", "weeks": "1"},
    )  # fmt: skip
    assert opened.status_code == 302, _text(opened)
    with in_city(grigny):
        slot = Slot.objects.get(advisor__user=advisor_account)
    assert slot.capacity == 6 and slot.where == PLACE

    # 6. A young person signs up, finds Awa and books a place in the group session, with a
    # message; another young person takes a second place.
    youth = Client(HTTP_HOST=host)
    today = timezone.localdate()
    signup = youth.post(
        "/inscription/",
        {"email": YOUTH_EMAIL, "password": "mon stage en été 2027", "display_name": PSEUDONYM,
         "birth_date": date(today.year - 17, 1, 15).isoformat(), "accept_terms": "on"},
    )  # fmt: skip
    assert signup.status_code == 302, _text(signup)
    detail = _text(youth.get(f"/accompagnement/{slot.advisor_id}/"))
    assert "6 places restantes" in detail
    assert f'action="/accompagnement/creneaux/{slot.pk}/reserver/"' in detail
    booked = youth.post(
        f"/accompagnement/creneaux/{slot.pk}/reserver/", {"message": MESSAGE}, follow=True
    )
    assert booked.status_code == 200 and PLACE in _text(booked)  # « Mes rendez-vous »
    yanis = make_user(grigny, "yanis@exemple.fr", Role.YOUTH)
    other_youth = Client(HTTP_HOST=host)
    with in_city(grigny):
        other_youth.force_login(yanis)
    assert other_youth.post(f"/accompagnement/creneaux/{slot.pk}/reserver/").status_code == 302
    with in_city(grigny):
        bookings = list(Booking.objects.filter(slot=slot).select_related("user"))
    assert sorted((b.user.email, b.seat) for b in bookings) == [
        ("nouhaila.b@exemple.fr", 1), ("yanis@exemple.fr", 2),
    ]  # fmt: skip
    assert "4 places restantes" in _text(youth.get(f"/accompagnement/{slot.advisor_id}/"))
    # The advisor reads her words in « Mon agenda » (so the check below is not vacuous).
    agenda = _text(advisor.get("/staff/mon-agenda/"))
    assert PSEUDONYM in agenda and MESSAGE in agenda and "2 inscrit·e(s) sur 6 places" in agenda

    # 7. The day before, at the beat's hour (9:00), the reminder task runs: the young person and
    # the advisor each get a mail with the place.
    the_day_before = timezone.make_aware(datetime.combine(day - timedelta(days=1), time(9)))
    mail.outbox.clear()
    with monkeypatch.context() as moved, sent():
        moved.setattr(timezone, "now", lambda: the_day_before)
        assert send_booking_reminders_everywhere() == 3  # two young people, one advisor
    to_youth = [m for m in mail.outbox if m.to == [YOUTH_EMAIL]]
    to_advisor = [m for m in mail.outbox if m.to == [ADVISOR]]
    assert len(to_youth) == 1 and len(to_advisor) == 1
    assert PLACE in to_youth[0].body and "Awa" in to_youth[0].body
    assert PLACE in to_advisor[0].body and PSEUDONYM in to_advisor[0].body
    inbox = _text(youth.get("/mes-messages/"))
    assert "Demain : rendez-vous avec Awa" in inbox and PLACE in inbox

    # 8. The elected official opens every page their menu lists (and the back-office pages
    # they link to): none shows the young person's words, e-mail or name.
    readable = _staff_pages_reachable(viewer, "/staff/")
    assert "/staff/accompagnement/" in readable  # the advisors' page, with its bookings
    assert f"/staff/accompagnement/{slot.advisor_id}/" in readable
    for url, page in readable.items():
        for secret in (MESSAGE, YOUTH_EMAIL, PSEUDONYM, "yanis@exemple.fr"):
            assert secret not in page, (url, secret)
    # ... while the admin, who may, reads the message on the advisor's page.
    assert MESSAGE in _text(admin.get(f"/staff/accompagnement/{slot.advisor_id}/"))

    # 9. Another city sees none of it. Grigny's partner cannot sign in on Gennevilliers, and
    # its Grigny session is worth nothing there.
    elsewhere = host_of(gennevilliers)
    refused, answer = _sign_in(elsewhere, PARTNER, CHOSEN[PARTNER])
    assert answer.status_code == 200 and refused.get("/staff/offres/").status_code == 302
    assert partner.get("/staff/offres/", HTTP_HOST=elsewhere).status_code == 302
    make_user(gennevilliers, "admin@gennevilliers.test", Role.ADMIN)
    far, signed = _sign_in(elsewhere, "admin@gennevilliers.test", PASSWORD)
    assert signed.status_code == 302
    for url, page in _staff_pages_reachable(far, "/staff/").items():
        for secret in ("Gala de boxe", REASON, MESSAGE, YOUTH_EMAIL, PSEUDONYM, PLACE,
                       *CHOSEN):  # fmt: skip
            assert secret not in page, (url, secret)
    assert far.get(f"/staff/offres/{gala.pk}/").status_code == 404
    assert far.post(f"/staff/relecture/{gala.pk}/", {"decision": "approve"}).status_code == 404
    assert far.get(f"/accompagnement/{slot.advisor_id}/").status_code == 404
    with in_city(grigny):
        gala.refresh_from_db()
    assert gala.status == OfferStatus.DRAFT
