"""/connexion/ and /inscription/ speak to young people in French with "tu", never Django's
default "Saisissez…"."""

from __future__ import annotations

import html

import pytest

VOUS = ("Saisissez", "Veuillez", "votre", "Vous ")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "pas-un-mail", "password": "x"}, "Indique une adresse e-mail valide"),
        ({"username": "", "password": ""}, "Indique ton adresse e-mail."),
        ({"username": "", "password": ""}, "Indique ton mot de passe."),
        ({"username": "lina@grigny.test", "password": "mauvais"}, "E-mail ou mot de passe"),
    ],
)
def test_sign_in_errors_say_tu(client_for, grigny, make_user, data, message):
    make_user(grigny, "lina@grigny.test")
    response = client_for(grigny).post("/connexion/", data)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert message in page
    errors = page[page.find("errorlist") :]
    assert not any(word in errors for word in VOUS)


def test_sign_up_email_error_says_tu(client_for, grigny):
    response = client_for(grigny).post("/inscription/", {"email": "pas-un-mail"})
    page = html.unescape(response.content.decode())
    assert "Indique une adresse e-mail valide" in page and "Saisissez" not in page
