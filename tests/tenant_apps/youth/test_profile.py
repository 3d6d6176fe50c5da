"""The profile: GET|PUT /api/v1/me/profile/ in the DESIGN.md shape, and the questionnaire pages."""

from __future__ import annotations

import pytest

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.youth.models import YouthProfile
from tenants.context import in_city

from .factories import PASSWORD, make_youth

FULL = {
    "birth_date": "2006-05-04",
    "situation": "demandeur_emploi",
    "diploma_level": "cap_bep",
    "commune_insee": "91286",
    "postal_code": "91350",
    "neighbourhood": "qn09125m",
    "interests": ["sport", "trouver-un-emploi"],
    "freins": ["mobilite", "argent"],
    "has_driving_licence": False,
    "boursier": True,
    "looking_for": ["emploi", "permis"],
    "facts": {"quotient_familial": 450, "beneficiaire_rsa": False},
}


@pytest.fixture
def youth_api(grigny, api_for):
    with in_city(grigny):
        user = make_youth("lea@exemple.fr", display_name="Léa")
        token = token_create(user=user)
    return api_for(grigny, token)


def test_a_new_profile_has_only_the_birth_date(youth_api):
    data = youth_api.get("/api/v1/me/profile/").json()
    assert data["birth_date"] == "2006-05-04" and data["display_name"] == "Léa"
    assert data["situation"] is None and data["neighbourhood"] is None and data["is_qpv"] is None
    assert data["interests"] == [] and data["freins"] == [] and data["facts"] == {}


def test_put_then_get_round_trips_the_design_shape(youth_api):
    response = youth_api.put("/api/v1/me/profile/", FULL, format="json")
    assert response.status_code == 200
    data = youth_api.get("/api/v1/me/profile/").json()
    for key, value in FULL.items():
        assert data[key] == (sorted(value) if isinstance(value, list) else value), key
    assert data["is_qpv"] is True


def test_put_changes_only_what_is_sent_and_null_clears(youth_api):
    youth_api.put("/api/v1/me/profile/", FULL, format="json")
    youth_api.put("/api/v1/me/profile/", {"situation": "salarie", "boursier": None}, format="json")
    data = youth_api.get("/api/v1/me/profile/").json()
    assert data["situation"] == "salarie" and data["boursier"] is None
    assert data["neighbourhood"] == "qn09125m" and data["freins"] == ["argent", "mobilite"]
    youth_api.put("/api/v1/me/profile/", {"neighbourhood": None, "freins": []}, format="json")
    data = youth_api.get("/api/v1/me/profile/").json()
    assert data["neighbourhood"] is None and data["is_qpv"] is None and data["freins"] == []


def test_a_postal_code_alone_fills_the_commune(youth_api):
    youth_api.put("/api/v1/me/profile/", {"postal_code": "91350"}, format="json")
    assert youth_api.get("/api/v1/me/profile/").json()["commune_insee"] == "91286"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"situation": "astronaute"}, "situation"),
        ({"diploma_level": "bac+12"}, "diploma_level"),
        ({"neighbourhood": "qn09208m"}, "neighbourhood"),  # a Gennevilliers QPV
        ({"neighbourhood": "nulle-part"}, "neighbourhood"),
        ({"interests": ["astrologie"]}, "interests"),
        ({"interests": "sport"}, "interests"),
        ({"freins": ["paresse"]}, "freins"),
        ({"looking_for": ["tresor"]}, "looking_for"),
        ({"commune_insee": "99999"}, "commune_insee"),
        ({"postal_code": "9135"}, "postal_code"),
        ({"birth_date": "2020-01-01"}, "birth_date"),
        ({"birth_date": "hier"}, "birth_date"),
        ({"has_driving_licence": "peut-être"}, "has_driving_licence"),
        ({"facts": ["quotient_familial"]}, "facts"),
        ({"facts": {"Bad Key": 1}}, "facts"),
        ({"facts": {"note": {"nested": True}}}, "facts"),
    ],
)
def test_invalid_answers_are_400_with_the_field(youth_api, changes, field):
    youth_api.put("/api/v1/me/profile/", {"situation": "lyceen"}, format="json")
    response = youth_api.put("/api/v1/me/profile/", changes, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"], error
    assert youth_api.get("/api/v1/me/profile/").json()["situation"] == "lyceen"  # nothing changed


def test_unknown_neighbourhood_message_names_the_code(youth_api):
    response = youth_api.put("/api/v1/me/profile/", {"neighbourhood": "zzz"}, format="json")
    assert "zzz" in response.json()["error"]["fields"]["neighbourhood"][0]


def test_profile_needs_a_youth_account_on_its_own_city(
    api_for, grigny, gennevilliers, make_user, youth_api
):
    assert api_for(grigny).get("/api/v1/me/profile/").status_code == 401
    staff = make_user(grigny, "agent@grigny.test", Role.EDITOR)
    with in_city(grigny):
        staff_token = token_create(user=staff)
    assert api_for(grigny, staff_token).get("/api/v1/me/profile/").status_code == 403
    token = youth_api._credentials["HTTP_AUTHORIZATION"].split()[1]
    assert api_for(gennevilliers, token).get("/api/v1/me/profile/").status_code == 401


# The questionnaire (no JavaScript: plain forms, one group per step, "Passer" on each).


@pytest.fixture
def youth_client(grigny, client_for):
    with in_city(grigny):
        make_youth("sam@exemple.fr")
    client = client_for(grigny)
    signed_in = client.post("/connexion/", {"username": "sam@exemple.fr", "password": PASSWORD})
    assert signed_in.status_code == 302
    return client


def _profile(grigny) -> YouthProfile:
    with in_city(grigny):
        return YouthProfile.objects.select_related("neighbourhood").get(
            user__email="sam@exemple.fr"
        )


def test_every_step_can_be_skipped_and_nothing_is_stored(youth_client, grigny):
    url = "/mon-profil/situation/"
    seen = []
    while url != "/mon-profil/":
        page = youth_client.get(url).content.decode()
        assert "Passer" in page and "Continuer" in page
        seen.append(url)
        response = youth_client.post(url, {"skip": "1", "situation": "lyceen"})
        assert response.status_code == 302
        url = response["Location"]
    assert len(seen) == 5
    profile = _profile(grigny)
    assert profile.situation == "" and profile.neighbourhood is None and profile.freins == []


def test_answering_the_questionnaire_fills_the_profile_and_flags_the_qpv(youth_client, grigny):
    steps = [
        (
            "situation",
            {"birth_date": "2006-05-04", "situation": "lyceen", "diploma_level": "brevet"},
        ),
        ("quartier", {"postal_code": "91350", "neighbourhood": "qn09126m"}),
        ("interets", {"interests": ["sport", "culture"]}),
        ("freins", {"freins": ["mobilite"]}),
        ("recherche", {"looking_for": ["stage"], "has_driving_licence": "non", "boursier": ""}),
    ]
    page = youth_client.get("/mon-profil/quartier/").content.decode()
    assert "Grigny 2 — quartier prioritaire" in page and "Hors quartier prioritaire" in page
    for slug, data in steps:
        assert youth_client.post(f"/mon-profil/{slug}/", data).status_code == 302
    profile = _profile(grigny)
    assert profile.situation == "lyceen" and profile.commune_insee == "91286"
    assert profile.neighbourhood.code == "qn09126m" and profile.interests == ["culture", "sport"]
    assert profile.has_driving_licence is False and profile.boursier is None
    summary = youth_client.get("/mon-profil/").content.decode()
    assert "quartier prioritaire de la politique de la ville" in summary
    assert "Lycéen·ne" in summary and "Me déplacer" in summary


def test_a_bad_answer_shows_the_step_again_with_a_message(youth_client, grigny):
    response = youth_client.post("/mon-profil/situation/", {"birth_date": "2020-01-01"})
    assert response.status_code == 200 and "15 ans" in response.content.decode()
    response = youth_client.post("/mon-profil/quartier/", {"postal_code": "abc"})
    assert "5 chiffres" in response.content.decode()
    assert youth_client.get("/mon-profil/nulle-part/").status_code == 404


def test_questionnaire_pages_need_a_sign_in(client_for, grigny):
    response = client_for(grigny).get("/mon-profil/situation/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
