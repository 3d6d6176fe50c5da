"""Links follow the server: every absolute URL the platform writes carries the port (and
scheme) links are configured with, which `manage.py up --port N` sets to N."""

from __future__ import annotations

import os
import re
from datetime import date

from django.core import mail
from tremplin.management.commands.up import Command

from tenants.context import in_city

from ..tenant_apps.catalogue.factories import make_offer

PASSWORD = "un mot de passe solide"


def test_up_port_becomes_the_port_of_links(settings, monkeypatch):
    monkeypatch.setenv("TREMPLIN_URL_PORT", "")  # unset; restored after the test
    monkeypatch.delenv("TREMPLIN_BASE_URL", raising=False)
    Command()._links_on_port(8131)
    assert settings.TREMPLIN_URL_PORT == "8131"
    assert os.environ["TREMPLIN_URL_PORT"] == "8131"  # for the web server, worker and beat


def test_an_explicit_link_port_wins_over_up_port(settings, monkeypatch):
    monkeypatch.setenv("TREMPLIN_URL_PORT", "443")
    settings.TREMPLIN_URL_PORT = "443"
    Command()._links_on_port(8131)
    assert settings.TREMPLIN_URL_PORT == "443"


def test_verification_mail_password_reset_and_api_urls_carry_the_port(
    settings, api_for, client_for, grigny, django_capture_on_commit_callbacks
):
    settings.TREMPLIN_URL_PORT = "8131"
    with django_capture_on_commit_callbacks(execute=True):
        signup = api_for(grigny).post(
            "/api/v1/auth/signup/",
            {
                "email": "lea@exemple.fr",
                "password": PASSWORD,
                "birth_date": date(2006, 5, 1).isoformat(),
                "accept_terms": True,
            },
            format="json",
        )
    assert signup.status_code == 201
    assert "http://grigny.localhost:8131/compte/verifier/" in mail.outbox[-1].body

    # The form is posted to a Host header without a port (a proxy's): the link has it anyway.
    client_for(grigny).post("/mot-de-passe/oublie/", {"email": "lea@exemple.fr"})
    assert re.search(
        r"http://grigny\.localhost:8131/mot-de-passe/nouveau/\S+/", mail.outbox[-1].body
    )

    with in_city(grigny):
        offer = make_offer(title="Atelier CV")
    listed = api_for(grigny).get("/api/v1/offers/").json()["results"]
    assert listed[0]["url"] == f"http://grigny.localhost:8131/offres/{offer.id}/"
