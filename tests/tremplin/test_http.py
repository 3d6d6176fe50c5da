"""HTTP basics on both kinds of host: health, OpenAPI, docs, error pages, language."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("host", ["localhost", "grigny.localhost"])
def test_health_endpoints(client_for, grigny, host):
    assert client_for(host).get("/healthz").json() == {"status": "ok"}
    assert client_for(host).get("/readyz").json()["status"] == "ok"


def test_openapi_schema_differs_per_host(client_for, grigny):
    public = client_for("localhost").get("/api/schema/?format=json").json()
    city = client_for(grigny).get("/api/schema/?format=json").json()
    assert public["openapi"].startswith("3.")
    assert "/api/v1/cities/" in public["paths"] and "/api/v1/auth/token/" in public["paths"]
    assert "/api/v1/cities/" not in city["paths"] and "/api/v1/auth/token/" in city["paths"]


@pytest.mark.parametrize("host", ["localhost", "grigny.localhost"])
def test_api_docs_page_is_served_with_local_assets(client_for, grigny, host):
    response = client_for(host).get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger" in page.lower() and "cdn." not in page and "jsdelivr" not in page


def test_unknown_page_is_a_friendly_french_404(client_for, grigny):
    response = client_for(grigny).get("/nulle-part/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "n'existe pas" in page and "Grigny" in page  # still in the city's colours


def test_unknown_api_path_is_a_json_404(client_for, grigny):
    response = client_for(grigny).get("/api/v1/nope/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_pages_are_in_french_by_default(client_for, grigny):
    response = client_for(grigny).get("/")
    assert '<html lang="fr">' in response.content.decode()
    assert response["Content-Language"] == "fr"


def test_login_page_on_both_hosts(client_for, grigny):
    assert "Connexion opérateur" in client_for("localhost").get("/connexion/").content.decode()
    assert "Connexion" in client_for(grigny).get("/connexion/").content.decode()


def test_operator_logs_in_on_public_host(client_for, operator):
    client = client_for("localhost")
    response = client.post(
        "/connexion/", {"username": operator.email, "password": "un mot de passe solide"}
    )
    assert response.status_code == 302
    assert "opérateur" in client.get("/").content.decode()
