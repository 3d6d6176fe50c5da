"""« Pour toi » and « mes droits » from cache: warm calls cost no query, and every write that
changes an answer (profile, claim, publish, a result from OpenFisca) shows at the next call."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from shared_apps.accounts.models import ApiToken, digest
from shared_apps.accounts.services import token_create, user_deactivate
from tenant_apps.matching import computed
from tenant_apps.matching.answer_cache import HEADER
from tenant_apps.youth.selectors import profile_as_dict, profile_get
from tenants.cache import platform_cache
from tenants.context import in_city

TODAY = timezone.localdate()
UNDER_26 = {"conditions_generales": [{"type": "age", "operator": "<", "value": 26}]}
PATHS = ("/api/v1/me/feed/", "/api/v1/me/rights/")


@pytest.fixture
def lina(make_user, grigny):
    return make_user(grigny, "lina@grigny.test")


@pytest.fixture
def api(api_for, grigny, lina):
    with in_city(grigny):
        token = token_create(user=lina)
    client = api_for(grigny, token)
    client.raw_token = token
    return client


def titles(response) -> list[str]:
    body = response.json()
    items = body["results"] if "results" in body else body["eligible"]
    return [item["title"] for item in items]


@pytest.mark.parametrize("path", PATHS)
def test_a_warm_call_makes_no_query_and_says_so(
    api, grigny, publish, path, django_assert_num_queries
):
    publish(grigny, title="Aide pour tous")
    first = api.get(path)
    assert first.status_code == 200 and first[HEADER] == "miss"
    with django_assert_num_queries(0):
        warm = api.get(path)
    assert warm.status_code == 200 and warm[HEADER] == "hit"
    assert warm.content == first.content and warm["ETag"] == first["ETag"]
    assert "private" in warm["Cache-Control"]


@pytest.mark.parametrize("path", PATHS)
def test_if_none_match_gets_a_304_until_the_answer_changes(api, grigny, publish, path):
    publish(grigny, title="Aide pour tous")
    etag = api.get(path)["ETag"]
    again = api.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    publish(grigny, title="Aide nouvelle")
    changed = api.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Aide nouvelle" in titles(changed)


def test_a_profile_change_shows_at_the_next_call(api, grigny, publish):
    publish(grigny, title="Aide des moins de 26 ans", eligibility=UNDER_26)
    before = api.get("/api/v1/me/rights/")
    assert "Aide des moins de 26 ans" not in titles(before)  # no birth date yet: maybe
    api.get("/api/v1/me/feed/")
    born = date(TODAY.year - 19, 1, 1).isoformat()
    assert api.put("/api/v1/me/profile/", {"birth_date": born}, format="json").status_code == 200
    after = api.get("/api/v1/me/rights/")
    assert after[HEADER] == "miss" and "Aide des moins de 26 ans" in titles(after)
    assert api.get("/api/v1/me/feed/")[HEADER] == "miss"


def test_a_claim_shows_at_the_next_call(api, grigny, publish):
    aid = publish(grigny, title="Aide pour tous")
    assert api.get("/api/v1/me/rights/").json()["unclaimed_count"] == 1
    assert api.post(f"/api/v1/me/rights/{aid.pk}/claim/").status_code == 201
    data = api.get("/api/v1/me/rights/").json()
    assert data["unclaimed_count"] == 0 and data["eligible"][0]["claimed"] is True
    api.delete(f"/api/v1/me/rights/{aid.pk}/claim/")
    assert api.get("/api/v1/me/rights/").json()["unclaimed_count"] == 1


def test_a_publish_shows_at_the_next_call(api, grigny, publish):
    publish(grigny, kind="emploi", title="Job animateur")
    assert titles(api.get("/api/v1/me/feed/")) == ["Job animateur"]
    publish(grigny, kind="formation", title="Formation BAFA")
    assert set(titles(api.get("/api/v1/me/feed/"))) == {"Job animateur", "Formation BAFA"}


def test_one_persons_answer_is_never_anothers(api, api_for, grigny, make_user, publish):
    aid = publish(grigny, title="Aide pour tous")
    api.post(f"/api/v1/me/rights/{aid.pk}/claim/")
    assert api.get("/api/v1/me/rights/").json()["eligible"][0]["claimed"] is True
    sami = make_user(grigny, "sami@grigny.test")
    with in_city(grigny):
        other = api_for(grigny, token_create(user=sami))
    answer = other.get("/api/v1/me/rights/")
    assert answer[HEADER] == "miss" and answer.json()["eligible"][0]["claimed"] is False


def test_another_city_cannot_use_the_token_or_the_answers(api, api_for, grigny, gennevilliers):
    assert api.get("/api/v1/me/feed/").status_code == 200  # both caches warm in Grigny
    elsewhere = api_for(gennevilliers, api.raw_token)
    for path in PATHS:
        assert elsewhere.get(path).status_code == 401


def test_an_answer_waiting_for_openfisca_is_computed_again_once_the_result_lands(
    api, grigny, lina, national
):
    national(title="Aides au logement", eligibility={"conditions_generales": [
        {"type": "openfisca", "benefit": "aide_logement"}]})  # fmt: skip
    first = api.get("/api/v1/me/rights/")
    assert "Aides au logement" in [o["title"] for o in first.json()["pending"]]
    assert api.get("/api/v1/me/rights/")[HEADER] == "hit"  # nothing new yet
    with in_city(grigny):
        from tenant_apps.matching.profiles import match_profile_for_user

        row = profile_get(user=lina)
        data = profile_as_dict(row) if row else {}
        engine = match_profile_for_user(user=lina, today=TODAY, city=grigny).engine
    inputs = computed.inputs_for(data, engine, today=TODAY)
    result = computed.Result(
        amounts={"aide_logement": computed.Amount(250.0, "month")}, missing={},
        computed_at=timezone.now(), legislation_date=computed.legislation_date(TODAY),
    )  # fmt: skip
    platform_cache.set(computed.result_key(inputs), computed._dump(result), timeout=60)
    try:
        landed = api.get("/api/v1/me/rights/")
        assert landed[HEADER] == "miss"
        assert "pending" not in landed.json()
        assert "Aides au logement" in titles(landed)
    finally:
        platform_cache.delete(computed.result_key(inputs))


# Tokens from cache: a revoked one stops working at once


def test_a_revoked_token_stops_working_at_once_even_if_re_cached(api, grigny):
    assert api.get("/api/v1/me/feed/").status_code == 200  # its row is cached now
    key = f"accounts:token:{grigny.schema_name}:{digest(api.raw_token)}"
    stale = platform_cache.get(key)
    assert stale is not None
    with in_city(grigny):
        ApiToken.objects.filter(key_digest=digest(api.raw_token)).delete()
    assert api.get("/api/v1/me/feed/").status_code == 401
    # Another process that read the row before the revocation writes it back afterwards.
    platform_cache.set(key, stale, timeout=60)
    assert api.get("/api/v1/me/feed/").status_code == 401


def test_a_deactivated_account_stops_at_once(api, grigny, lina):
    assert api.get("/api/v1/me/rights/").status_code == 200
    with in_city(grigny):
        user_deactivate(user=lina)
    for path in PATHS:
        assert api.get(path).status_code == 401


def test_a_rotated_token_leaves_the_new_one_working(api, api_for, grigny, lina):
    assert api.get("/api/v1/me/feed/").status_code == 200
    with in_city(grigny):
        ApiToken.objects.filter(key_digest=digest(api.raw_token)).delete()
        fresh = token_create(user=lina)
    assert api.get("/api/v1/me/feed/").status_code == 401
    assert api_for(grigny, fresh).get("/api/v1/me/feed/").status_code == 200
