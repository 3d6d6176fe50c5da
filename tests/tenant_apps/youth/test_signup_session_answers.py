"""Answers given anonymously on « Mes droits » follow the visitor into the account they open."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tenant_apps.matching.profiles import SESSION_KEY
from tenant_apps.youth.models import YouthProfile
from tenant_apps.youth.services import profile_adopt_session_answers
from tenants.context import in_city
from tests.tenant_apps.youth.factories import make_youth
from tests.tenant_apps.youth.test_signup import PASSWORD, years_ago


def _answer_rights(client, **answers) -> None:
    assert client.post("/mes-droits/", answers).status_code == 302


def _sign_up(client, email: str, birth_date: date) -> None:
    response = client.post(
        "/inscription/",
        {
            "email": email,
            "password": PASSWORD,
            "birth_date": birth_date.isoformat(),
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _profile(city, email: str) -> YouthProfile:
    with in_city(city):
        return YouthProfile.objects.get(user__email=email)


def test_anonymous_answers_are_in_the_profile_after_sign_up(client_for, grigny, gennevilliers):
    visitor = client_for(grigny)
    _answer_rights(visitor, birth_date="2004-03-01", situation="etudiant", boursier="oui")
    elsewhere = client_for(gennevilliers)
    _answer_rights(elsewhere, situation="salarie", boursier="non")

    _sign_up(visitor, "ines@grigny.test", years_ago(19))

    profile = _profile(grigny, "ines@grigny.test")
    assert (profile.situation, profile.boursier) == ("etudiant", True)
    assert profile.birth_date == years_ago(19)  # the date given at sign-up wins
    with in_city(grigny):
        assert SESSION_KEY not in visitor.session  # carried over, then forgotten
    page = visitor.get("/mon-profil/").content.decode()
    assert "Étudiant" in page or "étudiant" in page

    # The Gennevilliers visitor keeps their own answers, and nobody gets Grigny's.
    _sign_up(elsewhere, "ines@gennevilliers.test", years_ago(22))
    other = _profile(gennevilliers, "ines@gennevilliers.test")
    assert (other.situation, other.boursier) == ("salarie", False)
    _sign_up(client_for(grigny), "sans.reponse@grigny.test", years_ago(18))
    silent = _profile(grigny, "sans.reponse@grigny.test")
    assert (silent.situation, silent.boursier, silent.facts) == ("", None, {})


def test_invalid_answers_are_dropped_and_the_valid_ones_kept(grigny):
    with in_city(grigny):
        user = make_youth("lou@grigny.test", birth_date=date(2005, 1, 2))
        session = {
            SESSION_KEY: {
                "birth_date": "2001-01-01",
                "situation": "astronaute",
                "boursier": "peut-être",
                "commune_insee": "99999",
                "postal_code": "913",
                "net_income_monthly": -3,
                "rent_monthly": "450.5",
                "housing_status": "locataire_vide",
                "lives_with_partner": False,
                "facts": {"handicap": True},
                "interests": "pas une liste",
            },
            "other": "kept",
        }
        profile = profile_adopt_session_answers(user=user, session=session)

        assert profile is not None
        profile.refresh_from_db()
    assert session == {"other": "kept"}
    assert profile.birth_date == date(2005, 1, 2)
    assert (profile.situation, profile.boursier, profile.commune_insee) == ("", None, "")
    assert (profile.postal_code, profile.net_income_monthly) == ("", None)
    assert profile.rent_monthly == Decimal("450.50")
    assert (profile.housing_status, profile.lives_with_partner) == ("locataire_vide", False)
    assert profile.facts == {"handicap": True}


def test_nothing_to_carry_changes_nothing(grigny):
    with in_city(grigny):
        user = make_youth("noe@grigny.test")
        assert profile_adopt_session_answers(user=user, session={}) is None
        assert profile_adopt_session_answers(user=user, session={SESSION_KEY: "x"}) is None
        profile = YouthProfile.objects.get(user=user)
    assert (profile.situation, profile.boursier) == ("", None)
