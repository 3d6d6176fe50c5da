"""`manage.py invite_staff --city SLUG --email E --role R [--structure ID …]`: an operator
invites someone into a city's team (the same service as the team page, audited)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from kernel.errors import ApplicationError

from tenant_apps.staff.services import TEAM_ROLES, member_invite
from tenants.crosscity import run_in_city
from tenants.models import City, CityStatus

ACTOR = "opérateur (invite_staff)"


class Command(BaseCommand):
    help = "Invite a team member into one city with a role; prints the one-time link."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--city", required=True, help="Slug of the city, e.g. 'grigny'.")
        parser.add_argument("--email", required=True, help="E-mail of the person to invite.")
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(TEAM_ROLES)}.")
        parser.add_argument(
            "--structure",
            action="append",
            default=[],
            help="Id of a structure of the city (a partner's; repeat for several).",
        )

    def handle(self, *args, city: str, email: str, role: str, structure: list, **options):
        target = City.objects.filter(slug=city).first()
        if target is None:
            raise CommandError(f"Ville inconnue : {city}")
        if target.status != CityStatus.ACTIVE:
            raise CommandError(f"La ville {city} n'est pas active ({target.get_status_display()}).")
        try:
            invited = run_in_city(
                target,
                lambda c: member_invite(
                    city=c, email=email, role=role, structures=structure, by=ACTOR
                ),
            )
        except ApplicationError as exc:
            details = "; ".join(
                f"{field} : {' '.join(lines)}" for field, lines in exc.fields.items()
            )
            raise CommandError(f"{exc.message}{f' ({details})' if details else ''}") from exc
        member = invited.member
        self.stdout.write(
            self.style.SUCCESS(
                f"{member.email} invité·e à {target.name} ({member.get_role_display()})."
            )
        )
        self.stdout.write(
            f"Lien à usage unique (7 jours), aussi envoyé par e-mail : {invited.link}"
        )
