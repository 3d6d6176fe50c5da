"""« Ce que disent les jeunes » in the diagnostic (issue 14, item 5): the city's polls with
voice's own k ≥ 10 results, the ideas most supported and the event ratings from 10 on; another
city's never appear; the API, the page and the CSV carry it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.portal.models import Registration
from tenant_apps.voice import services
from tenant_apps.voice.models import Idea, IdeaStatus, IdeaSupport, PollStatus, QuestionKind
from tenant_apps.youth.models import Neighbourhood
from tenants.context import in_city
from tenants.features import feature_allow, feature_enable

from ..catalogue.factories import make_offer
from ..youth.factories import make_youth

URL = "/api/v1/analytics/diagnostic/"


def _poll(city, editor, title: str, answers: int, status=PollStatus.OPEN):
    with in_city(city):
        poll = services.poll_save(
            by=editor,
            fields={"title": title},
            questions=[
                {"label": "Tu sors le soir ?", "kind": QuestionKind.SINGLE,
                 "choices": ["Oui", "Non"]},
                {"label": "Ton quartier, tu le notes ?", "kind": QuestionKind.SCALE},
            ],
        )  # fmt: skip
        services.poll_set_status(poll=poll, by=editor, status=PollStatus.OPEN)
        single, scale = (q.pk for q in poll.questions.all())
        for i in range(answers):
            services.poll_answer(
                poll_id=poll.pk,
                device_token=services.new_device_token(),
                answers={str(single): 0 if i < 11 else 1, str(scale): 4},
            )
        if status != PollStatus.OPEN:
            services.poll_set_status(poll=poll, by=editor, status=status)
        return poll


@pytest.fixture
def editors(grigny, gennevilliers, make_user):
    return (
        make_user(grigny, "editeur-avis@grigny.test", Role.EDITOR),
        make_user(gennevilliers, "editeur-avis@gennevilliers.test", Role.EDITOR),
    )


def _voice(client, **params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.json()["youth_voice"]


def test_polls_in_the_diagnostic_with_k_suppression_and_no_other_city(
    grigny, gennevilliers, editors, api_for, make_user
):
    grigny_editor, genne_editor = editors
    big = _poll(grigny, grigny_editor, "Tes soirées d'été", 12, status=PollStatus.CLOSED)
    small = _poll(grigny, grigny_editor, "Le skatepark", 3)
    _poll(gennevilliers, genne_editor, "Sondage de Gennevilliers", 15)
    with in_city(grigny):
        _poll(grigny, grigny_editor, "Encore en brouillon", 0, status=PollStatus.DRAFT)
        token = token_create(user=make_user(grigny, "elu-avis@grigny.test", Role.VIEWER))
    voice = _voice(api_for(grigny, token))
    assert voice["title"] == "Ce que disent les jeunes" and voice["note"] is None
    polls = {p["title"]: p for p in voice["polls"]}
    assert set(polls) == {"Tes soirées d'été", "Le skatepark"}  # no draft, no other city
    shown = polls["Tes soirées d'été"]
    assert shown["poll"] == big.pk and shown["status"] == "closed" and shown["responses"] == 12
    # voice's own rule: "Non" (1) is hidden, so "Oui" (11) is too (12 - 11 would tell).
    assert [c["count"] for c in shown["questions"][0]["choices"]] == ["<10", "<10"]
    assert shown["questions"][1]["mean"] == 4.0
    hidden = polls["Le skatepark"]
    assert hidden["poll"] == small.pk and hidden["suppressed"] and hidden["responses"] == "<10"
    assert {c["count"] for c in hidden["questions"][0]["choices"]} == {"<10"}

    with in_city(gennevilliers):
        genne_token = token_create(user=genne_editor)
    elsewhere = _voice(api_for(gennevilliers, genne_token))
    assert [p["title"] for p in elsewhere["polls"]] == ["Sondage de Gennevilliers"]
    assert api_for(gennevilliers, token).get(URL).status_code == 401


def test_the_period_and_the_neighbourhood_note(grigny, editors, api_for):
    grigny_editor, _ = editors
    _poll(grigny, grigny_editor, "Tes soirées d'été", 10)
    with in_city(grigny):
        Neighbourhood.objects.create(code="nord", name="Nord")
        token = token_create(user=grigny_editor)
    client = api_for(grigny, token)
    today = timezone.localdate()
    long_ago = {"from": "2020-01-01", "to": "2020-03-31"}
    assert _voice(client, **long_ago)["polls"] == []
    voice = _voice(client, to=today.isoformat(), neighbourhood="nord")
    assert [p["responses"] for p in voice["polls"]] == [10]
    assert "toute la ville" in voice["note"] and voice["whole_city"]


def test_ideas_and_event_ratings_from_ten_on(grigny, gennevilliers, editors, api_for):
    grigny_editor, genne_editor = editors
    with in_city(grigny):
        youths = [make_youth(f"avis{i}@grigny.test") for i in range(12)]
        liked = Idea.objects.create(kind="idea", title="Un skatepark", body="…",
                                    status=IdeaStatus.PUBLISHED)  # fmt: skip
        quiet = Idea.objects.create(kind="event", title="Un concert", body="…",
                                    status=IdeaStatus.ANSWERED, answer="Oui, en juin.")  # fmt: skip
        Idea.objects.create(kind="idea", title="Pas encore lue", body="…")
        for i, youth in enumerate(youths):
            IdeaSupport.objects.create(idea=liked, user=youth)
            if i < 2:
                IdeaSupport.objects.create(idea=quiet, user=youth)
        yesterday = timezone.now() - timedelta(days=1)
        rated = make_offer(kind="evenement", title="Tournoi de foot", starts_at=yesterday)
        few = make_offer(kind="evenement", title="Atelier CV", starts_at=yesterday)
        for i, youth in enumerate(youths):
            Registration.objects.create(user=youth, offer=rated, status="registered",
                                        position=i, rating=5 if i % 2 else 4,
                                        feedback_word="Génial" if i < 3 else "")  # fmt: skip
            if i < 9:
                Registration.objects.create(user=youth, offer=few, status="registered",
                                            position=i, rating=2)  # fmt: skip
        token = token_create(user=grigny_editor)
    voice = _voice(api_for(grigny, token))
    assert [(i["title"], i["supports"], i["answered"]) for i in voice["ideas"]] == [
        ("Un skatepark", 12, False), ("Un concert", "<10", True)]  # fmt: skip
    (event,) = voice["event_ratings"]  # "Atelier CV" has 9 ratings: left out
    assert (event["title"], event["count"], event["mean"]) == ("Tournoi de foot", 12, 4.5)
    assert event["words"] == ["génial"]
    with in_city(gennevilliers):
        genne_token = token_create(user=genne_editor)
    elsewhere = _voice(api_for(gennevilliers, genne_token))
    assert elsewhere["ideas"] == [] and elsewhere["event_ratings"] == []


def test_the_page_and_the_csv_show_it(grigny, editors, signed_in):
    grigny_editor, _ = editors
    _poll(grigny, grigny_editor, "Tes soirées d'été", 12)
    _poll(grigny, grigny_editor, "Le skatepark", 3)
    with in_city(grigny):
        Neighbourhood.objects.create(code="nord", name="Nord")
    viewer = signed_in(grigny, Role.VIEWER)
    html = viewer.get("/staff/diagnostic/").content.decode()
    assert "Ce que disent les jeunes" in html and 'href="#avis"' in html
    assert "Tes soirées d&#x27;été" in html and "12 réponses" in html
    assert "Le skatepark" in html and "moins de 10 réponses" in html
    assert "note moyenne : 4,0 sur 5" in html  # French decimals
    assert "toute la ville, quel que soit" not in html
    filtered = viewer.get("/staff/diagnostic/?neighbourhood=nord").content.decode()
    assert "toute la ville, quel que soit le quartier choisi" in filtered
    feature_allow(city=grigny, key="diagnostic_export", allowed=True, by="ops")
    feature_enable(city=grigny, key="diagnostic_export", enabled=True, by="admin")
    text = viewer.get("/staff/diagnostic/export.csv").content.decode("utf-8-sig")
    assert "Ce que disent les jeunes;Tes soirées d'été;;Réponses;12" in text
    assert "Ce que disent les jeunes;Tes soirées d'été;Ton quartier, tu le notes ?;4 sur 5;12" in (
        text
    )
    assert "Ce que disent les jeunes;Le skatepark;;Réponses;<10" in text
    assert "Le skatepark;Tu sors le soir ?" not in text


def test_the_openapi_schema_documents_the_key(client_for, grigny):
    response = client_for(grigny).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "youth_voice" in text and "event_ratings" in text and "whole_city" in text
