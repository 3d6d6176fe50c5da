"""`manage.py onboard_city`: create a city, its schema and its first admin's invitation.

The territory is one commune (--insee), several (--communes 62498,62510) or an EPCI (--epci
246200364). A commune another tenant covers stops it with one line naming that tenant, unless
--move-communes takes it from that tenant (audited).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from kernel.errors import ApplicationError

from tenants.services import city_onboard


class Command(BaseCommand):
    help = "Onboard a city: schema from the template, subdomain, first admin invitation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="Display name, e.g. 'Grigny'.")
        parser.add_argument("--slug", required=True, help="Subdomain, e.g. 'grigny'.")
        territory = parser.add_mutually_exclusive_group(required=True)
        territory.add_argument("--insee", help="INSEE code of the one commune, e.g. 91286.")
        territory.add_argument(
            "--communes",
            help="INSEE codes of several communes, comma-separated; the first is the default.",
        )
        territory.add_argument("--epci", help="SIREN of an EPCI: all its communes.")
        parser.add_argument(
            "--move-communes",
            action="store_true",
            help="Take the communes another tenant covers (audited) instead of refusing.",
        )
        parser.add_argument("--admin-email", required=True, help="E-mail of the first city admin.")
        parser.add_argument("--domain", help="An extra custom domain for the city.")
        parser.add_argument("--primary-color", help="Brand colour, #RRGGBB.")
        parser.add_argument("--plan", default="", help="Billing plan key, e.g. 'essentiel'.")

    def handle(self, *args, **options) -> None:
        try:
            result = city_onboard(
                name=options["name"],
                slug=options["slug"],
                insee=options.get("insee"),
                communes=_codes(options.get("communes")),
                epci=options.get("epci"),
                move_communes=options.get("move_communes", False),
                admin_email=options["admin_email"],
                domain=options.get("domain"),
                primary_color=options.get("primary_color"),
                plan=options.get("plan") or "",
                via="command",
            )
        except ApplicationError as exc:
            if exc.code == "commune_covered":  # names the tenant and its URL
                raise CommandError(f"{exc.message} (option --move-communes)") from exc
            if exc.code == "last_commune":
                raise CommandError(exc.message) from exc
            details = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.fields.items()
            )
            raise CommandError(details or exc.message) from exc
        city = result.city
        verb = "Onboarded" if result.created else "Already onboarded"
        self.stdout.write(self.style.SUCCESS(f"{verb} {city.name} ({city.slug}): {city.url}"))
        if city.is_territory:
            codes = city.commune_codes
            self.stdout.write(f"Territory: {len(codes)} communes ({', '.join(codes[:12])}…)")
        if result.invitation_link:
            self.stdout.write(
                f"One-time invitation for {city.admin_email} (valid 7 days): "
                f"{result.invitation_link}"
            )
        else:
            self.stdout.write(f"{city.admin_email} has already set a password.")


def _codes(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [code for code in value.replace(",", " ").split() if code]
