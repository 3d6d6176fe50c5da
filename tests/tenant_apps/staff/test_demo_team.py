"""The demo team: editor, elected official, partner of one structure, advisor, each signing
in with the demo password; seeding twice changes nothing."""

from __future__ import annotations

from shared_apps.accounts.models import Role, User
from tenant_apps.catalogue.models import PartnerMembership
from tenant_apps.staff.demo import team_demo_seed
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_structure


def test_the_demo_team_signs_in_and_seeding_twice_changes_nothing(grigny, api_for):
    with in_city(grigny):
        make_structure(name="Association Tremplin Sport", typology="association")
        make_structure(name="Autre structure")
        emails = team_demo_seed(grigny, password="tremplin-demo")
        again = team_demo_seed(grigny, password="tremplin-demo")
        roles = dict(User.objects.filter(email__in=emails).values_list("email", "role"))
        partner = User.objects.get(email="partenaire@grigny.demo")
        memberships = list(
            PartnerMembership.objects.filter(user=partner).values_list("structure__name", flat=True)
        )
    assert emails == again
    assert roles == {
        "editeur@grigny.demo": Role.EDITOR,
        "elu@grigny.demo": Role.VIEWER,
        "partenaire@grigny.demo": Role.PARTNER,
        "conseiller@grigny.demo": Role.ADVISOR,
    }
    assert memberships == ["Association Tremplin Sport"]
    for email in emails:
        signed = api_for(grigny).post(
            "/api/v1/auth/token/", {"email": email, "password": "tremplin-demo"}, format="json"
        )
        assert signed.status_code == 200, (email, signed.json())
