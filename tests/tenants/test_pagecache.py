"""Anonymous city pages from cache (tenants.pagecache): no query when warm, a publish shows at
once here and within a second in other processes, 304 on If-None-Match, a fresh CSP nonce and
the visitor's own CSRF token in every body, one city's writes never touching another's pages."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenant_apps.analytics import recording
from tenant_apps.branding.selectors import BRANDING, branding_get
from tenant_apps.branding.services import branding_update
from tenant_apps.catalogue.models import OfferStatus
from tenant_apps.portal.models import Inspiration, InspirationStatus
from tenants.cache import platform_cache
from tenants.context import in_city
from tenants.generations import generation_key, generations
from tests.conftest import PASSWORD, host_of
from tests.tenant_apps.catalogue.factories import make_offer

ANONYMOUS_PAGES = ("/", "/offres/", "/agenda/", "/structures/")
NONCE = re.compile(r'nonce="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _warm(client, path: str):
    first = client.get(path)
    assert first.status_code == 200, path
    return first


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_a_warm_anonymous_page_costs_no_query(client_for, grigny, path):
    client = client_for(grigny)
    _warm(client, path)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert again.status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert "Grigny" in again.content.decode()


def test_a_warm_offer_page_costs_no_query_and_still_counts_the_view(client_for, grigny):
    with in_city(grigny):
        offer = make_offer(title="Bourse permis")
    key = recording.buffer_key(grigny.schema_name)
    redis = recording.redis_client()
    redis.delete(key)
    client = client_for(grigny)
    _warm(client, f"/offres/{offer.pk}/")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(f"/offres/{offer.pk}/")
    assert len(queries) == 0
    assert "Bourse permis" in again.content.decode()
    assert redis.llen(key) == 2  # one view per visit, cached or not
    redis.delete(key)


def test_a_publish_shows_at_once(client_for, grigny):
    client = client_for(grigny)
    assert "Job d'été à la piscine" not in _warm(client, "/offres/").content.decode()
    with in_city(grigny):
        make_offer(kind="emploi", title="Job d'été à la piscine")
    assert "Job d&#x27;été à la piscine" in client.get("/offres/").content.decode()


def test_a_publish_in_another_process_shows_within_a_second(client_for, grigny):
    client = client_for(grigny)
    _warm(client, "/offres/")
    with in_city(grigny):
        offer = make_offer(kind="emploi", title="Animateur de quartier", status=OfferStatus.DRAFT)
        generations.forget()  # this process has not seen the draft's own bump
        assert "Animateur de quartier" not in client.get("/offres/").content.decode()
        # Another process publishes: its row, and its bump of the city's counter in Redis.
        type(offer).objects.filter(pk=offer.pk).update(
            status=OfferStatus.PUBLISHED, published_at=offer.created_at
        )
    platform_cache.incr(generation_key("catalogue", grigny.schema_name))
    started = time.monotonic()
    while "Animateur de quartier" not in client.get("/offres/").content.decode():
        assert time.monotonic() - started < 1.0, "the publish did not show within a second"
        time.sleep(0.05)
    assert time.monotonic() - started >= 0  # shown


def test_a_new_story_and_a_branding_edit_show_on_the_home_page(client_for, grigny, make_user):
    client = client_for(grigny)
    _warm(client, "/")
    with in_city(grigny):
        Inspiration.objects.create(
            title="Du BAFA à l'animation", person="Yanis", summary="Yanis anime.", body="…",
            status=InspirationStatus.PUBLISHED, published_at=timezone.now(),
        )  # fmt: skip
    assert "Du BAFA à l&#x27;animation" in client.get("/").content.decode()
    with in_city(grigny):
        admin = make_user(grigny, "admin-brand@grigny.test", role="admin")
        branding_update(by=admin, display_name="Grigny Jeunesse", primary_color="#0B5FA5",
                        secondary_color="#7C2D12", welcome_text="Coucou Grigny")  # fmt: skip
    home = client.get("/").content.decode()
    assert "Grigny Jeunesse" in home and "Coucou Grigny" in home


def test_if_none_match_gets_a_304_without_a_body_or_a_new_policy(client_for, grigny):
    client = client_for(grigny)
    first = _warm(client, "/offres/")
    second = client.get("/offres/")  # from the cache
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "no-cache"
    not_modified = client.get("/offres/", HTTP_IF_NONE_MATCH=second["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert "Content-Security-Policy" not in not_modified  # the stored one stays with its body
    assert client.get("/offres/", HTTP_IF_NONE_MATCH='"autre"').status_code == 200
    with in_city(grigny):
        make_offer(title="Nouvelle aide")
    assert client.get("/offres/", HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 200


def test_each_cached_response_has_its_own_nonce_and_the_visitors_csrf_token(client_for, grigny):
    from django.middleware.csrf import _does_token_match, _unmask_cipher_token

    first = client_for(grigny)
    second = Client(HTTP_HOST=host_of(grigny), enforce_csrf_checks=True)
    _warm(first, "/")
    pages = [first.get("/"), second.get("/")]
    tokens = []
    for page in pages:
        html = page.content.decode()
        nonces = set(NONCE.findall(html))
        assert len(nonces) == 1
        assert f"'nonce-{nonces.pop()}'" in page["Content-Security-Policy"]
        (token,) = CSRF.findall(html)
        tokens.append(token)
    assert NONCE.findall(pages[0].content.decode()) != NONCE.findall(pages[1].content.decode())
    assert tokens[0] != tokens[1]
    # Each token belongs to that visitor's own cookie (set on this very response for `second`).
    for client, token in zip((first, second), tokens, strict=True):
        secret = client.cookies["csrftoken"].value
        assert _does_token_match(token, secret) or _unmask_cipher_token(token) == secret
    assert "sessionid" not in pages[1].cookies
    # And the three questions post with it.
    answers = {"csrfmiddlewaretoken": tokens[1], "birth_date": "2006-05-01"}
    forged = {**answers, "csrfmiddlewaretoken": tokens[0]}  # the other visitor's
    assert second.post("/mes-droits/", forged).status_code == 403
    assert second.post("/mes-droits/", answers).status_code in (200, 302)


def test_a_visitor_with_a_session_is_never_served_the_anonymous_copy(client_for, grigny, make_user):
    _warm(client_for(grigny), "/")
    make_user(grigny, "sam@grigny.test")
    client = client_for(grigny)
    assert client.post("/connexion/", {"username": "sam@grigny.test", "password": PASSWORD}
                       ).status_code == 302  # fmt: skip
    page = client.get("/")
    assert "Se déconnecter" in page.content.decode()
    assert "ETag" not in page


def test_one_citys_writes_never_touch_another_citys_pages(client_for, grigny, gennevilliers):
    grigny_client, gennevilliers_client = client_for(grigny), client_for(gennevilliers)
    assert "Gennevilliers" in _warm(gennevilliers_client, "/offres/").content.decode()
    assert "Grigny" in _warm(grigny_client, "/offres/").content.decode()
    before = generations.version([("catalogue", gennevilliers.schema_name)])
    with in_city(grigny):
        make_offer(title="Seulement à Grigny")
    assert generations.version([("catalogue", gennevilliers.schema_name)]) == before
    with CaptureQueriesContext(connection) as queries:
        page = gennevilliers_client.get("/offres/")
    assert len(queries) == 0  # still Gennevilliers' cached copy
    assert "Seulement à Grigny" not in page.content.decode()
    assert "Seulement à Grigny" in grigny_client.get("/offres/").content.decode()
    assert "Gennevilliers" not in grigny_client.get("/").content.decode()


def test_the_branding_is_read_once_per_generation(grigny):
    with in_city(grigny):
        branding_get()
        with CaptureQueriesContext(connection) as queries:
            branding = branding_get()
        assert len(queries) == 0
        assert branding.display_name == "Grigny"
        branding.display_name = "changé dans ma copie"
        assert branding_get().display_name == "Grigny"
    generations.bump(BRANDING, "gennevilliers")
    with in_city(grigny), CaptureQueriesContext(connection) as queries:
        branding_get()
    assert len(queries) == 0  # another city's edit


def test_the_offers_api_answers_anonymous_callers_from_cache(api_for, grigny, make_user):
    from shared_apps.accounts.services import token_create

    with in_city(grigny):
        make_offer(title="Bourse permis")
    api = api_for(grigny)
    assert api.get("/api/v1/offers/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/api/v1/offers/")
    assert len(queries) == 0
    assert "Bourse permis" in {o["title"] for o in again.json()["results"]}
    with in_city(grigny):
        make_offer(title="Aide au permis")
    assert "Aide au permis" in {o["title"] for o in api.get("/api/v1/offers/").json()["results"]}
    with in_city(grigny):
        token = token_create(user=make_user(grigny, "sam@grigny.test"))
    with CaptureQueriesContext(connection) as queries:
        assert api_for(grigny, token).get("/api/v1/offers/").status_code == 200
    assert len(queries) > 0  # a caller with a token is answered fresh


@pytest.mark.parametrize("path", ["/offres/?q=permis", "/?x=1", "/offres/?kind=inconnu"])
def test_free_text_made_up_parameters_and_invalid_filters_are_rendered_each_time(
    client_for, grigny, path
):
    client = client_for(grigny)
    _warm(client, path)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(path)
    assert page.status_code == 200
    assert len(queries) > 0
    assert "ETag" not in page


def test_a_known_filter_is_cached(client_for, grigny):
    client = client_for(grigny)
    _warm(client, "/offres/?kind=emploi")
    with CaptureQueriesContext(connection) as queries:
        client.get("/offres/?kind=emploi")
    assert len(queries) == 0


def test_a_visitor_with_a_message_waiting_gets_the_page_rendered(client_for, grigny):
    client = client_for(grigny)
    _warm(client, "/agenda/")
    client.cookies["messages"] = "quelque chose"
    with CaptureQueriesContext(connection) as queries:
        client.get("/agenda/")
    assert len(queries) > 0
