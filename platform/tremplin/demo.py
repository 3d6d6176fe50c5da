"""Demo data for `manage.py up --demo`: the three pilot cities and one login per role.

Idempotent: running it again leaves existing data as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.services import operator_create_or_update, user_create
from tenant_apps.catalogue.demo import catalogue_demo_seed, national_demo_seed
from tenant_apps.matching.demo import matching_demo_seed
from tenant_apps.portal.demo import portal_demo_seed
from tenant_apps.staff.demo import team_demo_seed
from tenants.crosscity import run_in_city
from tenants.features import feature_allow, feature_enable
from tenants.models import City, build_url
from tenants.services import city_onboard

DEMO_PASSWORD = "tremplin-demo"  # noqa: S105 - demo data only, printed by `make demo`
OPERATOR_EMAIL = "operator@tremplin.demo"


@dataclass(frozen=True)
class DemoCity:
    name: str
    slug: str
    insee: str
    primary_color: str


DEMO_CITIES = (
    DemoCity("Grigny", "grigny", "91286", "#0B5FA5"),
    DemoCity("Gennevilliers", "gennevilliers", "92036", "#A4262C"),
    DemoCity("Noisy-le-Sec", "noisy-le-sec", "93053", "#1B6E3A"),
)


def _ensure_user(*, email: str, role: str, display_name: str = "") -> None:
    user = User.objects.filter(email=email).first()
    if user is None:
        user_create(
            email=email,
            role=role,
            password=DEMO_PASSWORD,
            display_name=display_name,
            validate_password_strength=False,
        )
    elif not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])


def _seed_city(city: City) -> None:
    """The city's staff and youth logins and its demo content (runs in its schema)."""
    youth_email = f"jeune@{city.slug}.demo"
    _ensure_user(email=f"staff@{city.slug}.demo", role=Role.ADMIN)
    _ensure_user(email=youth_email, role=Role.YOUTH, display_name="Sam")
    catalogue_demo_seed(city)
    team_demo_seed(city, password=DEMO_PASSWORD)  # editor, elected official, partner, advisor
    matching_demo_seed(youth_email=youth_email)
    portal_demo_seed(city, youth_email=youth_email)


def demo_seed() -> list[str]:
    """Create the demo cities and accounts; return lines to print."""
    operator_create_or_update(
        email=OPERATOR_EMAIL, password=DEMO_PASSWORD, validate_password_strength=False
    )
    lines = [f"Operator console  {build_url(settings.TREMPLIN_BASE_DOMAIN)}  {OPERATOR_EMAIL}"]
    for demo in DEMO_CITIES:
        staff_email = f"staff@{demo.slug}.demo"
        result = city_onboard(
            name=demo.name,
            slug=demo.slug,
            insee=demo.insee,
            admin_email=staff_email,
            primary_color=demo.primary_color,
        )
        run_in_city(result.city, _seed_city)
        for feature in ("notifications", "mentors"):
            feature_allow(city=result.city, key=feature, allowed=True, by=OPERATOR_EMAIL)
            feature_enable(
                city=result.city, key=feature, enabled=True, by=f"staff@{demo.slug}.demo"
            )
        lines.append(
            f"{demo.name:<17} {result.city.url}  staff@{demo.slug}.demo / jeune@{demo.slug}.demo"
        )
    national = national_demo_seed()
    lines.append(f"National catalogue: {national.summary()}")
    lines.append(f"Password for every demo login: {DEMO_PASSWORD}")
    return lines
