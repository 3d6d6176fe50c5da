"""The demo's mailbox: an SMTP sink keeps the mails, /_dev/mail/ on the platform host shows
them (newest first, escaped, links clickable); 404 in production and on city hosts."""

from __future__ import annotations

import smtplib
import time

import pytest
from django.core.mail import get_connection, send_mail
from tremplin.mailsink import MailSink


@pytest.fixture
def sink(tmp_path, settings):
    running = MailSink(tmp_path / "mail").start()
    for name, value in running.settings().items():
        setattr(settings, name, value)
    settings.DEBUG = True
    yield running
    running.stop()


def _send(subject: str, body: str, to: str = "lea@exemple.fr") -> None:
    send_mail(subject, body, None, [to], connection=get_connection())


def test_mails_sent_over_smtp_are_listed_newest_first_and_readable(sink, client_for, public_host):
    _send("Bienvenue", "Premier message.")
    time.sleep(1.1)  # Date headers have a one-second resolution
    _send(
        "Confirme ton adresse e-mail",
        "Ouvre ce lien :\n\nhttp://grigny.localhost:8131/compte/verifier/abc/\n\n<script>x</script>",
    )
    page = client_for(public_host).get("/_dev/mail/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Confirme ton adresse e-mail") < html.index("Bienvenue")
    assert "lea@exemple.fr" in html
    # At 360 px the rows stack (base.css .stack-table): each cell names its column, « Objet »
    # included, instead of a table scrolled off-screen.
    assert '<table class="stack-table">' in html and 'data-label="Objet"' in html
    key = page.context["mails"][0].key
    detail = client_for(public_host).get(f"/_dev/mail/{key}/").content.decode()
    assert '<a href="http://grigny.localhost:8131/compte/verifier/abc/"' in detail
    assert "&lt;script&gt;x&lt;/script&gt;" in detail and "<script>x" not in detail
    assert client_for(public_host).get("/_dev/mail/inconnu/").status_code == 404


def test_the_sink_stores_each_message_whole(sink):
    with smtplib.SMTP(sink.host, sink.port, timeout=5) as smtp:
        smtp.sendmail("a@exemple.fr", ["b@exemple.fr"], b"Subject: brut\r\n\r\nCorps\r\n")
    stored = list((sink.maildir / "new").iterdir())
    assert len(stored) == 1 and b"Subject: brut" in stored[0].read_bytes()


def test_no_mailbox_in_production(sink, settings, client_for, public_host):
    _send("Secret", "Rien à voir.")
    settings.DEBUG = False
    assert client_for(public_host).get("/_dev/mail/").status_code == 404
    settings.DEBUG = True
    settings.TREMPLIN_DEV_MAILDIR = ""
    assert client_for(public_host).get("/_dev/mail/").status_code == 404


def test_no_mailbox_on_a_city_host(sink, client_for, grigny):
    assert client_for(grigny).get("/_dev/mail/").status_code == 404
