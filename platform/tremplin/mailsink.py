"""The demo's mailbox: a local SMTP server (aiosmtpd) that keeps every message it receives.

`manage.py up --demo` starts one on a free loopback port, points the e-mail settings of
itself and of the processes it starts at it (`demo_mail_environment`), and stops it on exit.
Messages are stored as they arrived in a Maildir (`<var>/mail`), one file each, which any
process can read: the platform host's `/_dev/mail/` page (tremplin.devmail) lists them.

This module must not import Django (it only needs the standard library and aiosmtpd).
"""

from __future__ import annotations

import logging
import mailbox
import socket
from pathlib import Path

MAILDIR_NAME = "mail"


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class MaildirHandler:
    """aiosmtpd handler: each message goes whole into the Maildir, nothing is relayed."""

    def __init__(self, maildir: Path) -> None:
        self.maildir = mailbox.Maildir(maildir, create=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by this name
        self.maildir.add(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class MailSink:
    """A running SMTP sink; `stop()` is idempotent."""

    def __init__(self, maildir: Path, *, host: str = "127.0.0.1", port: int | None = None):
        from aiosmtpd.controller import Controller

        self.maildir = Path(maildir)
        self.host = host
        self.port = port or _free_port(host)
        self._controller = Controller(
            MaildirHandler(self.maildir), hostname=host, port=self.port, ready_timeout=10
        )
        self._running = False

    def start(self) -> MailSink:
        # aiosmtpd logs every SMTP command at INFO: the mailbox page is where mails are read.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller.start()
        self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._running = False
            self._controller.stop()

    def environment(self) -> dict[str, str]:
        """The settings (environment variables) that send a process's mail here."""
        return {
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": str(self.port),
            "TREMPLIN_DEV_MAILDIR": str(self.maildir),
        }

    def settings(self) -> dict[str, object]:
        """The same, as Django settings (for a process whose settings are already loaded)."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "TREMPLIN_DEV_MAILDIR": str(self.maildir),
        }


def mail_sink_start(var_dir: Path) -> MailSink:
    """Start a sink storing into `<var_dir>/mail` on a free loopback port."""
    return MailSink(Path(var_dir) / MAILDIR_NAME).start()
