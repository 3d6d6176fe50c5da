"""Non-recours in euros: the nightly batch evaluates every registered young person's rights and
the diagnostic shows, per aid and in total, who is eligible, who said they applied and the
monthly euros the others miss, with the privacy rule's "<10" (counts and euros)."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from shared_apps.accounts.models import Role
from shared_apps.accounts.services import token_create
from tenant_apps.analytics.models import NonRecoursFact, NonRecoursSnapshot
from tenant_apps.analytics.nonrecours import nonrecours_snapshot_take, registered_people
from tenant_apps.analytics.privacy import SUPPRESSED
from tenant_apps.analytics.selectors import DiagnosticFilters, diagnostic
from tenant_apps.analytics.tasks import nonrecours_everywhere
from tenant_apps.matching.services import right_claim
from tenant_apps.youth.models import Neighbourhood, YouthProfile
from tenant_apps.youth.services import profile_update
from tenants.context import in_city
from tenants.features import feature_allow, feature_enable
from tenants.models import City
from tests.tenants.crosscity import break_table

from ..catalogue.factories import make_national, make_offer
from ..youth.factories import make_youth

TODAY = timezone.localdate()
NBSP = "\u00a0"
UNDER_26 = {"conditions_generales": [{"type": "age", "operator": "<", "value": 26}]}
JOBSEEKER = {"profils": [{"type": "chomeur", "conditions": []}]}


def euros(text: str) -> str:
    return text.replace(" ", NBSP)


def _table(data: dict, table_id: str) -> dict:
    return next(t for s in data["sections"] for t in s["tables"] if t["id"] == table_id)


def _rows(data: dict) -> dict[str, list]:
    return {row["label"]: row["values"] for row in _table(data, "nonrecours_euros")["rows"]}


def _figures(data: dict) -> list:
    section = next(s for s in data["sections"] if s["id"] == "non-recours")
    return [f["value"] for f in section["figures"]]


def _young(city, n: int, *, prefix: str, neighbourhood: str | None, situation: str) -> list:
    users = []
    with in_city(city):
        for i in range(n):
            user = make_youth(f"{prefix}{i}@exemple.fr", birth_date=date(TODAY.year - 20, 1, 15))
            profile_update(user=user, data={"situation": situation, "neighbourhood": neighbourhood})
            users.append(user)
    return users


def _claim(city, users, offer) -> None:
    with in_city(city):
        for user in users:
            right_claim(user=user, offer_id=offer.pk)


@pytest.fixture
def nord_sud(grigny):
    with in_city(grigny):
        Neighbourhood.objects.create(code="nord", name="Nord", is_qpv=True)
        Neighbourhood.objects.create(code="sud", name="Sud", is_qpv=False)


@pytest.fixture
def aids(grigny, nord_sud):
    """A local aid of 100 € a month for every under-26, a national one of 600 € a year for
    jobseekers; 25 young people in Nord (20 jobseekers, 5 students) and 3 jobseekers in Sud."""
    with in_city(grigny):
        local = make_offer(title="Coup de pouce grignois", eligibility=UNDER_26,
                           amount_value=Decimal(100), periodicity="mensuelle")  # fmt: skip
    national = make_national(title="Aide au retour à l'emploi des jeunes", scope="national",
                             eligibility=JOBSEEKER, amount_value=Decimal(600),
                             periodicity="annuelle")  # fmt: skip
    seekers = _young(grigny, 20, prefix="dem", neighbourhood="nord", situation="demandeur_emploi")
    students = _young(grigny, 5, prefix="etu", neighbourhood="nord", situation="etudiant")
    sud = _young(grigny, 3, prefix="sud", neighbourhood="sud", situation="demandeur_emploi")
    _claim(grigny, seekers[:8] + students[:3], local)  # 11 of the 25 in Nord applied
    _claim(grigny, seekers[:3], national)  # 3 of the 20 jobseekers
    _claim(grigny, students[3:], national)  # not eligible: not counted as applied
    return local, national, seekers, students, sud


def _take(city, day=TODAY) -> NonRecoursSnapshot:
    with in_city(city):
        return nonrecours_snapshot_take(city=city, day=day)


def _diagnostic(city, neighbourhood: str = "", to: date = TODAY) -> dict:
    with in_city(city):
        return diagnostic(filters=DiagnosticFilters(to.replace(day=1), to, neighbourhood))


def test_the_batch_counts_eligible_claimed_and_unclaimed_euros_per_aid(grigny, aids):
    local, national, *_ = aids
    snapshot = _take(grigny)
    assert (snapshot.people, snapshot.simulated) == (28, 0)
    with in_city(grigny):
        atoms = {
            (f.neighbourhood, f.offer_title or "*"): (f.eligible, f.claimed,
                                                     f.unclaimed_monthly_euros)
            for f in NonRecoursFact.objects.filter(snapshot=snapshot)
        }  # fmt: skip
    assert atoms == {
        ("nord", local.title): (25, 11, Decimal("1400.00")),  # 14 x 100 €
        ("nord", national.title): (20, 3, Decimal("850.00")),  # 17 x 50 €
        ("nord", "*"): (25, 11, None),  # eligible to one aid at least; applied to one at least
        ("sud", local.title): (3, 0, Decimal("300.00")),
        ("sud", national.title): (3, 0, Decimal("150.00")),
        ("sud", "*"): (3, 0, None),
    }


def test_the_diagnostic_publishes_only_groups_of_10_or_more(grigny, aids):
    local, national, *_ = aids
    _take(grigny)
    city = _diagnostic(grigny)
    # Sud's 3 are left out of the city's figures; the national aid's 3 applicants are hidden,
    # and with them the euros of the 17 others (17 x 50 € would give 20 - 17 = 3 back).
    assert _rows(city) == {
        local.title: [25, 11, euros("1 400 €")],
        national.title: [20, SUPPRESSED, SUPPRESSED],
    }
    assert _figures(city) == [f"{TODAY:%d/%m/%Y}", 25, 11, euros("1 400 €")]
    funnel = {r["label"]: r["values"][0] for r in _table(city, "nonrecours")["rows"]}
    assert funnel == {local.title: 25, national.title: 20}  # the same eligible counts
    sud = _diagnostic(grigny, "sud")
    assert _rows(sud) == {local.title: [SUPPRESSED, SUPPRESSED, SUPPRESSED],
                          national.title: [SUPPRESSED, SUPPRESSED, SUPPRESSED]}  # fmt: skip
    assert _figures(sud)[1:] == [SUPPRESSED, SUPPRESSED, SUPPRESSED]


def test_a_small_city_shows_only_suppressed_figures(grigny):
    with in_city(grigny):
        aid = make_offer(title="Aide locale", amount_value=Decimal(40), periodicity="mensuelle")
    users = _young(grigny, 7, prefix="petit", neighbourhood=None, situation="lyceen")
    _claim(grigny, users[:2], aid)
    _take(grigny)
    data = _diagnostic(grigny)
    assert _rows(data) == {"Aide locale": [SUPPRESSED, SUPPRESSED, SUPPRESSED]}
    assert _figures(data)[1:] == [SUPPRESSED, SUPPRESSED, SUPPRESSED]


def test_an_aid_without_a_monthly_amount_shows_a_dash_not_zero_euros(grigny):
    with in_city(grigny):
        make_offer(title="Chèque culture", amount_value=Decimal(50), periodicity="ponctuelle")
    _young(grigny, 12, prefix="c", neighbourhood=None, situation="lyceen")
    _take(grigny)
    data = _diagnostic(grigny)
    assert _rows(data) == {"Chèque culture": [12, 0, "—"]}
    assert _figures(data)[3] == euros("0 €")


def test_running_a_day_again_replaces_it(grigny, aids):
    local, _national, seekers, *_ = aids
    first = _take(grigny)
    with in_city(grigny):
        count = NonRecoursFact.objects.count()
    _claim(grigny, seekers[8:10], local)  # two more said they applied
    again = _take(grigny)
    with in_city(grigny):
        assert list(NonRecoursSnapshot.objects.values_list("pk", flat=True)) == [again.pk]
        assert not NonRecoursFact.objects.filter(snapshot_id=first.pk).exists()
        assert NonRecoursFact.objects.count() == count
    assert _rows(_diagnostic(grigny))[local.title] == [25, 13, euros("1 200 €")]


def test_the_diagnostic_reads_the_last_batch_of_the_period(grigny, aids):
    local, _national, seekers, *_ = aids
    yesterday = TODAY - timedelta(days=1)
    _take(grigny, day=yesterday)
    _claim(grigny, seekers[8:18], local)
    _take(grigny)
    # 21 applied and 4 did not: 25 - 21 would give the 4 back, so both are hidden.
    assert _rows(_diagnostic(grigny))[local.title] == [25, SUPPRESSED, SUPPRESSED]
    earlier = _diagnostic(grigny, to=yesterday)
    assert _rows(earlier)[local.title] == [25, 11, euros("1 400 €")]
    assert _figures(earlier)[0] == f"{yesterday:%d/%m/%Y}"
    before = _diagnostic(grigny, to=yesterday - timedelta(days=1))
    assert _figures(before)[0] == "Pas encore calculé" and _rows(before) == {}


def test_people_are_read_in_two_queries(grigny, aids, django_assert_num_queries):
    with in_city(grigny):
        Neighbourhood.objects.exists()  # the schema is set (one query) before counting
        with django_assert_num_queries(2):
            people = registered_people(city=grigny, today=TODAY)
    assert len(people) == 28
    assert sum(len(p.claimed) for p in people) == 11 + 3 + 2


def test_another_citys_young_people_and_staff_stay_out(grigny, gennevilliers, aids, api_for,
                                                       make_user):  # fmt: skip
    local, *_ = aids
    with in_city(gennevilliers):
        other = make_offer(title="Aide de Gennevilliers", amount_value=Decimal(80),
                           periodicity="mensuelle")  # fmt: skip
    _young(gennevilliers, 15, prefix="gen", neighbourhood=None, situation="demandeur_emploi")
    _take(grigny)
    rows = _rows(_diagnostic(grigny))
    assert other.title not in rows and rows[local.title][0] == 25  # not 40
    viewer = make_user(gennevilliers, "viewer@gennevilliers.test", Role.VIEWER)
    with in_city(gennevilliers):
        token = token_create(user=viewer)
    body = api_for(gennevilliers, token).get("/api/v1/analytics/diagnostic/").json()
    assert _rows(body) == {} and _figures(body)[0] == "Pas encore calculé"
    grigny_viewer = make_user(grigny, "viewer@grigny.test", Role.VIEWER)
    with in_city(grigny):
        grigny_token = token_create(user=grigny_viewer)
    response = api_for(gennevilliers, grigny_token).get("/api/v1/analytics/diagnostic/")
    assert response.status_code == 401


def test_page_api_and_csv_show_the_same_figures(grigny, aids, api_for, make_user, client_for):
    local, national, *_ = aids
    _take(grigny)
    viewer = make_user(grigny, "viewer@grigny.test", Role.VIEWER)
    with in_city(grigny):
        token = token_create(user=viewer)
    body = api_for(grigny, token).get("/api/v1/analytics/diagnostic/").json()
    assert _rows(body) == {
        local.title: [25, 11, euros("1 400 €")],
        national.title: [20, SUPPRESSED, SUPPRESSED],
    }
    client = client_for(grigny)
    with in_city(grigny):
        client.force_login(viewer)
    html = client.get("/staff/diagnostic/").content.decode()
    assert "Non-recours en euros" in html and "Droits des jeunes inscrits évalués le" in html
    assert f"<td>{euros('1 400 €')}</td>" in html and f"{TODAY:%d/%m/%Y}" in html
    feature_allow(city=grigny, key="diagnostic_export", allowed=True, by="ops")
    feature_enable(city=grigny, key="diagnostic_export", enabled=True, by="admin")
    text = client.get("/staff/diagnostic/export.csv").content.decode("utf-8-sig")
    assert (
        f"Non-recours aux droits;Non-recours en euros;{local.title};Non demandé, par mois;"
        f"{euros('1 400 €')}"
    ) in text
    assert f"Non-recours en euros;{national.title};Ont dit l'avoir demandée;<10" in text
    assert f"Aides non demandées, en euros par mois (estimation);;{euros('1 400 €')}" in text


@pytest.fixture
def eager():
    """Tasks run where they are sent, in this test's transaction (a real worker running the
    door's tasks, one failing city included, is tests/tenants/test_crosscity_worker.py)."""
    from tremplin.celery import app

    previous, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = previous


def test_the_nightly_beat_takes_each_citys_snapshot_and_a_failing_city_fails_alone(
    eager, grigny, gennevilliers, noisy, aids
):
    break_table(gennevilliers, NonRecoursSnapshot._meta.db_table)  # comes first: slug order
    assert nonrecours_everywhere() == City.objects.filter(status="active").count()
    with in_city(grigny):
        assert NonRecoursSnapshot.objects.get(day=TODAY).people == 28
    with in_city(noisy):
        assert NonRecoursSnapshot.objects.get(day=TODAY).people == 0
    with in_city(gennevilliers), connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{NonRecoursSnapshot._meta.db_table}_broken"')
        assert cursor.fetchone() == (0,)


# OpenFisca: the computed aids' amounts (matching/openfisca, being finished in parallel).
HAS_SIMULATE = importlib.util.find_spec("tenant_apps.matching.openfisca.simulate") is not None
needs_openfisca = pytest.mark.skipif(
    not HAS_SIMULATE, reason="tenant_apps.matching.openfisca.simulate is not written yet"
)


def _computed_aid(title: str, benefit: str, periodicity: str):
    return make_national(title=title, scope="national", periodicity=periodicity,
                         eligibility={"conditions_generales": [
                             {"type": "openfisca", "benefit": benefit}]})  # fmt: skip


@needs_openfisca
def test_computed_amounts_are_simulated_once_for_the_city_and_counted(grigny):
    from tenant_apps.matching import computed
    from tenant_apps.matching.profiles import match_profile_from_row
    from tenant_apps.youth.selectors import profile_as_dict

    _computed_aid("Aide au logement", "aide_logement", "mensuelle")
    _computed_aid("Chèque énergie", "cheque_energie", "annuelle")
    _computed_aid("Gratuité des musées nationaux", "gratuite_musees_monuments", "ponctuelle")
    # Antony's aid, wrongly national here: OpenFisca computes it for Antony's people only.
    _computed_aid("Noël pour tous", "antony_noel_pour_tous", "annuelle")
    renters = _young(grigny, 14, prefix="loc", neighbourhood=None, situation="salarie")
    with in_city(grigny):
        for i, user in enumerate(renters):
            # Two of each income, from nothing to a full-time wage: seven profile versions.
            profile_update(user=user, data={"commune_insee": "91286", "housing_status":
                           "locataire_vide", "rent_monthly": 550, "lives_with_partner": False,
                           "net_income_monthly": 250 * (i // 2)})  # fmt: skip
    snapshot = _take(grigny)
    assert snapshot.simulated == 7
    assert _take(grigny).simulated == 0  # the results are kept per profile version
    amounts: dict[str, list[float]] = {"aide_logement": [], "cheque_energie": []}
    with in_city(grigny):
        for user in renters:
            row = YouthProfile.objects.select_related("user", "neighbourhood").get(user=user)
            inputs = computed.inputs_for(
                profile_as_dict(row),
                match_profile_from_row(row, today=TODAY, city=grigny).engine,
                today=TODAY,
            )
            result = computed.result_get(inputs)
            for slug, values in amounts.items():
                values.append(result.amounts[slug].value)
        facts = {f.offer_title: f for f in NonRecoursFact.objects.filter(snapshot__day=TODAY)}
    housing = [a for a in amounts["aide_logement"] if a > 0]
    assert amounts["aide_logement"][0] > amounts["aide_logement"][-1]  # falls as income rises
    fact = facts["Aide au logement"]
    assert fact.eligible == len(housing) and fact.claimed == 0
    assert fact.unclaimed_monthly_euros == Decimal(str(round(sum(housing), 2)))
    energy = [a for a in amounts["cheque_energie"] if a > 0]
    assert facts["Chèque énergie"].eligible == len(energy) > 0
    # A yearly cheque counts for a twelfth of itself each month.
    assert facts["Chèque énergie"].unclaimed_monthly_euros == (
        Decimal(str(sum(energy))) / 12
    ).quantize(Decimal("0.01"))
    # An eligibility (OpenFisca says 1 or 0) is an aid to claim, worth no euros a month.
    museums = facts["Gratuité des musées nationaux"]
    assert museums.eligible == 14 and museums.unclaimed_monthly_euros == 0
    assert "Noël pour tous" not in facts  # counted for nobody, and the batch went through
