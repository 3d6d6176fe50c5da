"""The profile fields OpenFisca needs: income, housing, rent, couple; optional, checked, cleared."""

from __future__ import annotations

import pytest

from shared_apps.accounts.services import token_create
from tenants.context import in_city

from .factories import make_youth

MONEY = {
    "net_income_monthly": 1040.5,
    "housing_status": "locataire_meuble",
    "rent_monthly": 620,
    "lives_with_partner": False,
}


@pytest.fixture
def youth_api(grigny, api_for):
    with in_city(grigny):
        token = token_create(user=make_youth("ines@exemple.fr"))
    return api_for(grigny, token)


def test_money_and_housing_round_trip_and_clear(youth_api):
    assert youth_api.get("/api/v1/me/profile/").json()["net_income_monthly"] is None
    assert youth_api.put("/api/v1/me/profile/", MONEY, format="json").status_code == 200
    data = youth_api.get("/api/v1/me/profile/").json()
    assert {key: data[key] for key in MONEY} == {**MONEY, "rent_monthly": 620.0}
    youth_api.put(
        "/api/v1/me/profile/", {"net_income_monthly": None, "housing_status": ""}, format="json"
    )
    data = youth_api.get("/api/v1/me/profile/").json()
    assert data["net_income_monthly"] is None and data["housing_status"] is None
    assert data["rent_monthly"] == 620.0  # untouched


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("net_income_monthly", -1),
        ("net_income_monthly", "beaucoup"),
        ("net_income_monthly", 10**9),
        ("rent_monthly", 99999),
        ("housing_status", "chateau"),
        ("lives_with_partner", "peut-etre"),
    ],
)
def test_bad_values_name_the_field(youth_api, api_for, grigny, field, value):
    response = youth_api.put("/api/v1/me/profile/", {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    anonymous = api_for(grigny).post("/api/v1/rights/evaluate/", {field: value}, format="json")
    assert anonymous.status_code == 400
    assert field in anonymous.json()["error"]["fields"]
