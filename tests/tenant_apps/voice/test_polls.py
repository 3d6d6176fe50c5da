"""Youth voice (issue 14, item 5): staff publish polls; young people answer once (signed in,
or anonymously once per device); results hide counts under 10; another city sees nothing."""

from __future__ import annotations

import pytest

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.voice import services
from tenant_apps.voice.models import Answer, PollResponse, PollStatus, QuestionKind
from tenant_apps.voice.selectors import SUPPRESSED, poll_results
from tenants.context import in_city
from tests.tenant_apps.youth.factories import make_youth


@pytest.fixture
def editor(grigny, make_user):
    return make_user(grigny, "editeur@grigny.test", Role.EDITOR)


@pytest.fixture
def poll(grigny, editor):
    with in_city(grigny):
        poll = services.poll_save(
            by=editor,
            fields={"title": "Tes soirées d'été", "intro": "Pour l'été prochain."},
            questions=[
                {
                    "label": "Tu sors le soir ?",
                    "kind": QuestionKind.SINGLE,
                    "choices": ["Oui", "Non", "Parfois"],
                    "required": True,
                },
                {
                    "label": "Ce qui te manque",
                    "kind": QuestionKind.MULTIPLE,
                    "choices": ["Un lieu", "Des horaires", "Des transports"],
                },
                {"label": "Ton quartier, tu le notes ?", "kind": QuestionKind.SCALE},
                {"label": "Un mot", "kind": QuestionKind.TEXT},
            ],
        )
        return services.poll_set_status(poll=poll, by=editor, status=PollStatus.OPEN)


def _ids(poll):
    from tenants.models import City

    with in_city(City.objects.get(slug="grigny")):
        return [q.pk for q in poll.questions.all()]


def test_a_young_person_answers_once_through_the_api(api_for, grigny, poll):
    with in_city(grigny):
        lina = make_youth("lina@grigny.test")
        token = token_create(user=lina)
    single, multiple, scale, text = _ids(poll)
    client = api_for(grigny, token)
    listed = client.get("/api/v1/polls/").json()["results"]
    assert [p["title"] for p in listed] == ["Tes soirées d'été"] and not listed[0]["answered"]
    assert listed[0]["questions"][0]["choices"] == ["Oui", "Non", "Parfois"]
    body = {
        "answers": {str(single): 2, str(multiple): [0, 2], str(scale): 4, str(text): "Un skatepark"}
    }
    assert client.post(f"/api/v1/polls/{poll.pk}/answers/", body, format="json").status_code == 201
    again = client.post(f"/api/v1/polls/{poll.pk}/answers/", body, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_answered"
    assert client.get("/api/v1/polls/").json()["results"][0]["answered"]
    with in_city(grigny):
        (response,) = PollResponse.objects.all()
        assert response.user == lina
        stored = {a.question_id: (a.choices, a.value, a.text) for a in Answer.objects.all()}
        assert stored == {
            single: ([2], None, ""),
            multiple: ([0, 2], None, ""),
            scale: ([], 4, ""),
            text: ([], None, "Un skatepark"),
        }


def test_anonymous_devices_answer_once_each(api_for, grigny, poll):
    single = _ids(poll)[0]
    body = {"answers": {str(single): 0}}
    phone = api_for(grigny)
    first = phone.post(f"/api/v1/polls/{poll.pk}/answers/", body, format="json")
    assert first.status_code == 201 and services.DEVICE_COOKIE in first.cookies
    assert phone.post(f"/api/v1/polls/{poll.pk}/answers/", body, format="json").status_code == 409
    other = api_for(grigny)
    assert other.post(f"/api/v1/polls/{poll.pk}/answers/", body, format="json").status_code == 201
    with in_city(grigny):
        assert PollResponse.objects.count() == 2
        assert all(len(r.device) == 64 and r.user_id is None for r in PollResponse.objects.all())


def test_bad_answers_get_the_error_shape_and_nothing_is_stored(api_for, grigny, poll):
    single, multiple, scale, text = _ids(poll)
    client = api_for(grigny)
    for answers in (
        {str(single): 7},  # no such choice
        {str(single): True},
        {str(multiple): [0, 9], str(single): 0},
        {str(scale): 6, str(single): 0},
        {str(text): "x" * 400, str(single): 0},
        {str(multiple): [1]},  # the required question left out
        {"999999": 1, str(single): 0},
        {"pas-un-id": 1},
    ):
        response = client.post(
            f"/api/v1/polls/{poll.pk}/answers/", {"answers": answers}, format="json"
        )
        assert response.status_code == 400, answers
        error = response.json()["error"]
        assert error["code"] and error["message"] and error["fields"]
    assert (
        client.post(f"/api/v1/polls/{poll.pk}/answers/", {"answers": []}, format="json").status_code
        == 400
    )
    assert (
        client.post("/api/v1/polls/424242/answers/", {"answers": {}}, format="json").status_code
        == 404
    )
    with in_city(grigny):
        assert not PollResponse.objects.exists() and not Answer.objects.exists()


def test_closed_polls_and_other_cities(api_for, grigny, gennevilliers, poll, editor):
    single = _ids(poll)[0]
    other = api_for(gennevilliers)
    assert other.get("/api/v1/polls/").json()["count"] == 0
    assert (
        other.post(
            f"/api/v1/polls/{poll.pk}/answers/", {"answers": {str(single): 0}}, format="json"
        ).status_code
        == 404
    )
    with in_city(grigny):
        services.poll_set_status(poll=poll, by=editor, status=PollStatus.CLOSED)
    closed = api_for(grigny).post(
        f"/api/v1/polls/{poll.pk}/answers/", {"answers": {str(single): 0}}, format="json"
    )
    assert closed.status_code in (404, 409)


def test_results_hide_counts_under_ten(api_for, grigny, gennevilliers, poll, editor, make_user):
    single, _multiple, scale, text = _ids(poll)
    for i in range(12):
        answers = {str(single): 0 if i < 10 else 1, str(scale): 5 if i % 2 else 3}
        if i < 3:
            answers[str(text)] = f"idée {i}"
        api_for(grigny).post(
            f"/api/v1/polls/{poll.pk}/answers/", {"answers": answers}, format="json"
        )
    with in_city(grigny):
        results = poll_results(poll=poll)
    assert results["responses"] == 12 and not results["suppressed"]
    counts = {c["label"]: c["count"] for c in results["questions"][0]["choices"]}
    # "Non" (2) is hidden, and so is "Oui" (10): otherwise 12 - 10 would give "Non" away.
    assert counts == {"Oui": SUPPRESSED, "Non": SUPPRESSED, "Parfois": 0}
    assert (
        results["questions"][3]["texts"] == []
        and results["questions"][3]["texts_count"] == SUPPRESSED
    )
    with in_city(grigny):
        token = token_create(user=editor)
        viewer_token = token_create(user=make_user(grigny, "elu@grigny.test", Role.VIEWER))
        partner_token = token_create(user=make_user(grigny, "asso@grigny.test", Role.PARTNER))
    url = f"/api/v1/staff/polls/{poll.pk}/results/"
    assert api_for(grigny, token).get(url).json()["responses"] == 12
    assert api_for(grigny, viewer_token).get(url).status_code == 200
    assert api_for(grigny, partner_token).get(url).status_code == 403
    assert api_for(grigny).get(url).status_code in (401, 403)
    assert api_for(gennevilliers, token).get(url).status_code == 401


def test_a_small_poll_shows_nothing(grigny, poll, api_for):
    single = _ids(poll)[0]
    for _ in range(3):
        api_for(grigny).post(
            f"/api/v1/polls/{poll.pk}/answers/", {"answers": {str(single): 0}}, format="json"
        )
    with in_city(grigny):
        results = poll_results(poll=poll)
    assert results["suppressed"] and results["responses"] == SUPPRESSED
    assert {c["count"] for c in results["questions"][0]["choices"]} == {SUPPRESSED}


def test_the_pages_work_without_javascript(client_for, grigny, poll, editor):
    single = _ids(poll)[0]
    phone = client_for(grigny)
    assert "Tes soirées d&#x27;été" in phone.get("/donne-ton-avis/").content.decode()
    page = phone.get(f"/donne-ton-avis/{poll.pk}/").content.decode()
    assert "Tu sors le soir ?" in page and "Parfois" in page
    missing = phone.post(f"/donne-ton-avis/{poll.pk}/", {})
    assert missing.status_code == 200 and "error" in missing.content.decode()
    done = phone.post(f"/donne-ton-avis/{poll.pk}/", {f"q{single}": "1"}, follow=True)
    assert "Merci" in done.content.decode()
    twice = phone.post(f"/donne-ton-avis/{poll.pk}/", {f"q{single}": "1"}, follow=True)
    assert "déjà répondu" in twice.content.decode()
    staff = client_for(grigny)
    with in_city(grigny):
        staff.force_login(editor)
    results = staff.get(f"/staff/avis/{poll.pk}/").content.decode()
    assert "Moins de 10 réponses" in results
    created = staff.post(
        "/staff/avis/nouveau/",
        {
            "title": "Le sport",
            "allow_anonymous": "on",
            "label_0": "Quel sport ?",
            "kind_0": "single",
            "choices_0": "Foot\nBasket",
        },
    )
    assert created.status_code == 302
    bad = staff.post(
        "/staff/avis/nouveau/",
        {"title": "Vide", "label_0": "Un seul choix ?", "kind_0": "single", "choices_0": "Seul"},
    )
    assert bad.status_code == 200 and "Entre 2 et" in bad.content.decode()


def test_ideas_are_read_before_shown_supported_once_and_answered(
    client_for, grigny, gennevilliers, editor
):
    from tenant_apps.voice.models import Idea, IdeaStatus

    with in_city(grigny):
        lina, sam = make_youth("lina@grigny.test"), make_youth("sam@grigny.test")
    author = client_for(grigny)
    with in_city(grigny):
        author.force_login(lina)
    proposed = author.post(
        "/propose-une-idee/",
        {
            "kind": "event",
            "title": "Un tournoi de street-foot",
            "body": "Sur le city stade, en juin.",
        },
    )
    assert proposed.status_code == 302
    assert "street-foot" not in client_for(grigny).get("/propose-une-idee/").content.decode()
    with in_city(grigny):
        idea = Idea.objects.get()
    staff = client_for(grigny)
    with in_city(grigny):
        staff.force_login(editor)
    staff.post(f"/staff/idees/{idea.pk}/", {"status": "published"})
    page = client_for(grigny).get("/propose-une-idee/").content.decode()
    assert "street-foot" in page and "lina@grigny.test" not in page
    supporter = client_for(grigny)
    with in_city(grigny):
        supporter.force_login(sam)
    supporter.post(f"/propose-une-idee/{idea.pk}/soutenir/")
    supporter.post(f"/propose-une-idee/{idea.pk}/soutenir/")  # twice: counted once
    with in_city(grigny):
        assert idea.supports.count() == 1
    assert staff.post(f"/staff/idees/{idea.pk}/", {"status": "answered"}).status_code == 302
    with in_city(grigny):
        assert Idea.objects.get().status == IdeaStatus.PUBLISHED  # an answer is required
    staff.post(f"/staff/idees/{idea.pk}/", {"status": "answered", "answer": "Oui, le 14 juin !"})
    with in_city(grigny):
        assert Idea.objects.get().status == IdeaStatus.ANSWERED
        assert lina.inbox.filter(title__contains="street-foot").exists()
    assert "Oui, le 14 juin" in client_for(grigny).get("/propose-une-idee/").content.decode()
    anonymous = client_for(grigny).post(
        "/propose-une-idee/", {"kind": "idea", "title": "x", "body": "y"}
    )
    assert anonymous.status_code == 302 and "/connexion/" in anonymous["Location"]
    assert "street-foot" not in client_for(gennevilliers).get("/propose-une-idee/").content.decode()
    other = client_for(gennevilliers)
    with in_city(grigny):
        other.cookies = staff.cookies
    assert other.post(f"/staff/idees/{idea.pk}/", {"status": "rejected"}).status_code in (302, 404)
    with in_city(grigny):
        assert Idea.objects.get().status == IdeaStatus.ANSWERED
