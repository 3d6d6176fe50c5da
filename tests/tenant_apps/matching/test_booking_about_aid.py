"""« Je me fais aider »: a booking names the aid it is about, for the young person and staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from kernel.errors import ValidationFailed

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.matching import services
from tenant_apps.matching.models import Booking, InboxMessage, Slot
from tenants.context import in_city
from tests.tenant_apps.catalogue.factories import make_national, make_offer
from tests.tenant_apps.youth.factories import make_youth

PASSWORD = "un mot de passe solide"


@pytest.fixture
def slot(grigny) -> Slot:
    with in_city(grigny):
        advisor = services.advisor_create(
            kind="advisor", display_name="Awa", organisation="Mission locale",
            bio="Je t'aide dans tes démarches.", formats=["individuel"],
        )  # fmt: skip
        start = timezone.now() + timedelta(days=2)
        return services.slot_create(
            advisor=advisor, starts_at=start, ends_at=start + timedelta(hours=1),
            format="individuel",
        )  # fmt: skip


@pytest.fixture
def aid(grigny):
    return make_national(title="Aide au permis", teleservice_url="https://exemple.fr/permis")


def signed_in(client_for, city, user):
    client = client_for(city)
    with in_city(city):
        client.force_login(user)
    return client


def test_the_aid_is_carried_from_the_list_to_the_booking(client_for, make_user, grigny, slot, aid):
    from tenants.features import feature_allow, feature_enable

    # The type filters (and their mentors link) show where the mentors feature is on.
    feature_allow(city=grigny, key="mentors", allowed=True, by="test")
    feature_enable(city=grigny, key="mentors", enabled=True, by="test")
    with in_city(grigny):
        lina = make_youth("lina@grigny.test")
    client = signed_in(client_for, grigny, lina)
    listing = client.get(f"/accompagnement/?type=advisor&aide={aid.pk}").content.decode()
    assert "Pour t'aider à faire ta demande : <strong>Aide au permis</strong>" in listing
    assert f'href="/accompagnement/{slot.advisor_id}/?aide={aid.pk}"' in listing
    assert f'href="?type=mentor&amp;aide={aid.pk}"' in listing  # the filters keep it
    detail = client.get(f"/accompagnement/{slot.advisor_id}/?aide={aid.pk}").content.decode()
    assert f'<input type="hidden" name="aide" value="{aid.pk}">' in detail
    done = client.post(
        f"/accompagnement/creneaux/{slot.id}/reserver/", {"aide": str(aid.pk)}, follow=True
    )
    page = done.content.decode()
    assert "Ton rendez-vous est à propos de : Aide au permis" in page
    assert "À propos de : Aide au permis" in page  # the list of my bookings
    with in_city(grigny):
        booking = Booking.objects.get()
        assert (booking.about_offer_id, booking.about_offer_title) == (aid.pk, "Aide au permis")
        assert "À propos de : Aide au permis" in InboxMessage.objects.get(user=lina).body
    # The advisor's page in the back-office names the aid next to the young person (for the
    # admin: issue 10 keeps what a young person asks about from elected officials).
    admin = signed_in(client_for, grigny, make_user(grigny, "chef@grigny.test", Role.ADMIN))
    staff_page = admin.get(f"/staff/accompagnement/{slot.advisor_id}/").content.decode()
    assert "À propos de : <strong>Aide au permis</strong>" in staff_page
    viewer = signed_in(client_for, grigny, make_user(grigny, "viewer@grigny.test", Role.VIEWER))
    staff_page = viewer.get(f"/staff/accompagnement/{slot.advisor_id}/").content.decode()
    assert "Aide au permis" not in staff_page


def test_the_title_is_the_one_of_booking_time(grigny, slot):
    with in_city(grigny):
        lina = make_youth("lina@grigny.test")
        local = make_offer(title="Bourse projets jeunes")
        booking = services.booking_create(slot_id=slot.id, user=lina, about_offer_id=local.pk)
        local.title = "Bourse projets jeunes 2027"
        local.save()
        booking.refresh_from_db()
        assert booking.about_offer_title == "Bourse projets jeunes"


def test_an_anonymous_visitor_signs_in_and_comes_back_with_the_aid(client_for, grigny, slot, aid):
    page = client_for(grigny).get(f"/accompagnement/{slot.advisor_id}/?aide={aid.pk}")
    assert f"?next=/accompagnement/{slot.advisor_id}/%3Faide%3D{aid.pk}" in page.content.decode()


@pytest.mark.parametrize("value", ["pas-un-uuid", "00000000-0000-0000-0000-000000000000", "' OR 1"])
def test_a_bad_aid_value_is_ignored_with_a_word(client_for, grigny, slot, value):
    with in_city(grigny):
        lina = make_youth("lina@grigny.test")
    client = signed_in(client_for, grigny, lina)
    for path in ("/accompagnement/", f"/accompagnement/{slot.advisor_id}/"):
        response = client.get(path, {"aide": value})
        assert response.status_code == 200
        assert "Cette aide n&#x27;existe pas (ou plus) dans ta ville" in response.content.decode()
        assert 'name="aide"' not in response.content.decode()
    book = f"/accompagnement/creneaux/{slot.id}/reserver/"
    done = client.post(book, {"aide": value}, follow=True)
    assert done.status_code == 200 and "existe pas (ou plus)" in done.content.decode()
    with in_city(grigny):
        assert Booking.objects.get().about_offer_id is None  # booked anyway, without the aid


def test_another_citys_aid_is_refused(api_for, client_for, grigny, gennevilliers, slot):
    with in_city(gennevilliers):
        theirs = make_offer(title="Aide de Gennevilliers")
    elsewhere = make_national(title="Pass Bretagne", scope="regional", region_codes=["53"])
    not_an_aid = make_national(kind="emploi", title="Job d'été")
    with in_city(grigny):
        lina = make_youth("lina@grigny.test")
        token = token_create(user=lina)
    client = signed_in(client_for, grigny, lina)
    for offer in (theirs, elsewhere, not_an_aid):
        page = client.get(f"/accompagnement/{slot.advisor_id}/", {"aide": str(offer.pk)})
        assert offer.title not in page.content.decode()
        assert "existe pas (ou plus)" in page.content.decode()
        response = api_for(grigny, token).post(
            f"/api/v1/advisors/slots/{slot.id}/book/", {"about_offer": str(offer.pk)}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {"about_offer": ["Aide inconnue ici."]}
    with in_city(grigny):
        assert not Booking.objects.exists()
        with pytest.raises(ValidationFailed):
            services.booking_create(slot_id=slot.id, user=lina, about_offer_id=theirs.pk)


def test_api_books_about_an_aid(api_for, grigny, slot, aid):
    with in_city(grigny):
        token = token_create(user=make_youth("lina@grigny.test"))
    api = api_for(grigny, token)
    bad = api.post(
        f"/api/v1/advisors/slots/{slot.id}/book/", {"about_offer": "pas-un-uuid"}, format="json"
    )
    assert bad.status_code == 400 and "about_offer" in bad.json()["error"]["fields"]
    booked = api.post(
        f"/api/v1/advisors/slots/{slot.id}/book/", {"about_offer": str(aid.pk)}, format="json"
    )
    assert booked.status_code == 201
    assert booked.json()["about_offer"] == {"id": str(aid.pk), "title": "Aide au permis"}
    mine = api.get("/api/v1/me/bookings/").json()["results"]
    assert mine[0]["about_offer"]["title"] == "Aide au permis"


def test_a_booking_without_an_aid_is_as_before(api_for, grigny, slot):
    with in_city(grigny):
        token = token_create(user=make_youth("lina@grigny.test"))
    booked = api_for(grigny, token).post(
        f"/api/v1/advisors/slots/{slot.id}/book/", {"about_offer": None}, format="json"
    )
    assert booked.status_code == 201 and booked.json()["about_offer"] is None
