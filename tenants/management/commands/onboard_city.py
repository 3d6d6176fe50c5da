"""`manage.py onboard_city`: create a city, its schema and its first admin's invitation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from kernel.errors import ApplicationError

from tenants.services import city_onboard


class Command(BaseCommand):
    help = "Onboard a city: schema from the template, subdomain, first admin invitation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="Display name, e.g. 'Grigny'.")
        parser.add_argument("--slug", required=True, help="Subdomain, e.g. 'grigny'.")
        parser.add_argument("--insee", required=True, help="INSEE code of the commune, e.g. 91286.")
        parser.add_argument("--admin-email", required=True, help="E-mail of the first city admin.")
        parser.add_argument("--domain", help="An extra custom domain for the city.")
        parser.add_argument("--primary-color", help="Brand colour, #RRGGBB.")
        parser.add_argument("--plan", default="", help="Billing plan key, e.g. 'essentiel'.")

    def handle(self, *args, **options) -> None:
        try:
            result = city_onboard(
                name=options["name"],
                slug=options["slug"],
                insee=options["insee"],
                admin_email=options["admin_email"],
                domain=options.get("domain"),
                primary_color=options.get("primary_color"),
                plan=options.get("plan") or "",
                via="command",
            )
        except ApplicationError as exc:
            details = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.fields.items()
            )
            raise CommandError(details or exc.message) from exc
        city = result.city
        verb = "Onboarded" if result.created else "Already onboarded"
        self.stdout.write(self.style.SUCCESS(f"{verb} {city.name} ({city.slug}): {city.url}"))
        if result.invitation_link:
            self.stdout.write(
                f"One-time invitation for {city.admin_email} (valid 7 days): "
                f"{result.invitation_link}"
            )
        else:
            self.stdout.write(f"{city.admin_email} has already set a password.")
