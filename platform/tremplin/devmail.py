"""/_dev/mail/ on the platform's host: the mails the demo's SMTP sink received (tremplin.mailsink).

Development only: every URL answers 404 unless DEBUG is on and TREMPLIN_DEV_MAILDIR names the
sink's Maildir (`manage.py up --demo` sets both), and on a city's host (the route is only in
the platform's URL map). Messages are shown as text, escaped, with their links clickable.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.html import strip_tags

from tenants.access import current_city

PAGE_SIZE = 100


@dataclass(frozen=True)
class Mail:
    key: str
    sender: str
    to: str
    subject: str
    date: datetime | None
    text: str
    has_html: bool


def _maildir() -> mailbox.Maildir:
    folder = settings.TREMPLIN_DEV_MAILDIR
    if not settings.DEBUG or not folder:
        raise Http404
    return mailbox.Maildir(Path(folder), factory=None, create=True)


def _parse(key: str, raw: bytes) -> Mail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    if plain is not None:
        text = plain.get_content()
    elif html is not None:
        text = strip_tags(html.get_content())
    else:
        text = ""
    try:
        date = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        date = None
    if date is not None and date.tzinfo is None:  # "-0000", what Django writes: UTC
        date = date.replace(tzinfo=UTC)
    return Mail(
        key=key,
        sender=str(message["From"] or ""),
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or "(sans objet)"),
        date=date,
        text=text,
        has_html=html is not None,
    )


def _mails(box: mailbox.Maildir) -> list[Mail]:
    mails = []
    for key in box.iterkeys():
        try:
            mails.append(_parse(key, box.get_bytes(key)))
        except (KeyError, OSError):  # removed meanwhile
            continue
    # Maildir keys start with the delivery time: the order of arrival when dates tie.
    return sorted(mails, key=lambda m: (m.date.timestamp() if m.date else 0, m.key), reverse=True)


# The platform's URL map includes these (tremplin.urls_public); city hosts never route here.
app_name = "devmail"


def mail_list(request: HttpRequest) -> HttpResponse:
    box = _maildir()
    if current_city(request) is not None:
        raise Http404
    mails = _mails(box)
    return render(
        request,
        "tremplin/devmail_list.html",
        {"mails": mails[:PAGE_SIZE], "total": len(mails)},
    )


def mail_detail(request: HttpRequest, key: str) -> HttpResponse:
    box = _maildir()
    if current_city(request) is not None:
        raise Http404
    try:
        mail = _parse(key, box.get_bytes(key))
    except (KeyError, OSError):
        raise Http404 from None
    return render(request, "tremplin/devmail_detail.html", {"mail": mail})


urlpatterns = [
    path("", mail_list, name="list"),
    path("<str:key>/", mail_detail, name="detail"),
]
