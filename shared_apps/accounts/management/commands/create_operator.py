"""`manage.py create_operator --email E [--password P]`: a platform operator in public."""

from __future__ import annotations

import getpass
import os

from django.core.management.base import BaseCommand, CommandError
from kernel.errors import ApplicationError

from shared_apps.accounts.services import operator_create_or_update


class Command(BaseCommand):
    help = "Create a platform operator account (or reset its password)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--password",
            help="Defaults to $TREMPLIN_OPERATOR_PASSWORD, else asked interactively.",
        )

    def handle(self, *args, **options) -> None:
        password = options["password"] or os.environ.get("TREMPLIN_OPERATOR_PASSWORD")
        if not password:
            if not options.get("interactive", True) or not os.isatty(0):
                raise CommandError(
                    "No password: pass --password or set TREMPLIN_OPERATOR_PASSWORD."
                )
            password = getpass.getpass("Mot de passe : ")
        try:
            user, created = operator_create_or_update(email=options["email"], password=password)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} operator {user.email}"))
