"""The demo city's team: one login per staff role besides the admin (`staff@<slug>.demo`),
all with the demo password. Idempotent; runs in the city's schema after its structures exist
(the partner belongs to one of them)."""

from __future__ import annotations

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import user_create
from tenant_apps.catalogue.models import PartnerMembership, Structure, StructureTypology

# (login before @<slug>.demo, role, pseudonym shown in the back-office)
DEMO_TEAM = (
    ("editeur", Role.EDITOR, "Awa (éditrice)"),
    ("elu", Role.VIEWER, "Karim (élu jeunesse)"),
    ("partenaire", Role.PARTNER, "Lucie (association partenaire)"),
    ("conseiller", Role.ADVISOR, "Moussa (conseiller)"),
)


def _partner_structure() -> Structure | None:
    """An association if the city has one (a partner is usually one), else any structure."""
    structures = Structure.objects.order_by("name")
    return structures.filter(typology=StructureTypology.ASSOCIATION).first() or structures.first()


def team_demo_seed(city, *, password: str) -> list[str]:
    """Create the demo team of `city` (current schema); returns their e-mails."""
    emails = []
    for login, role, name in DEMO_TEAM:
        email = f"{login}@{city.slug}.demo"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email,
                role=role,
                password=password,
                display_name=name,
                validate_password_strength=False,
            )
        if role == Role.PARTNER and not PartnerMembership.objects.filter(user=user).exists():
            structure = _partner_structure()
            if structure is not None:
                PartnerMembership.objects.create(user=user, structure=structure)
        emails.append(email)
    return emails
