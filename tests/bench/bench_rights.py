"""« Mes droits » with OpenFisca: one person warm, one new person, against a baseline.

Run by `make bench` only. A throwaway city (Évry, Grigny's neighbour) gets the whole
aides-jeunes corpus (JavaScript rules and the OpenFisca benefits Tremplin computes; the
project's fixtures when ../shared/data is absent) and BENCH_MATCH_OFFERS local offers
(default 2,000).

Printed, against a baseline measured in the same run (one plain ORM page of 20 offers):
- rights for one profile, warm: rules + the cached OpenFisca result (target p95 ≤ 50 ms);
- one new profile's OpenFisca amounts, in this process with OpenFisca loaded (target ≤ 3 s);
- the cold load of OpenFisca's tax-benefit system (paid once per worker, before it forks).
The 10,000-profile batch is measured by bench_openfisca.py.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.importers.aides_jeunes import import_aides_jeunes
from tenant_apps.catalogue.models import Offer
from tenant_apps.matching import computed
from tenant_apps.matching.candidates import candidates_for_city
from tenant_apps.matching.profiles import match_profile_from_dict
from tenant_apps.matching.rights import rights_evaluate
from tenants.context import in_city
from tenants.lifecycle import city_drop
from tenants.services import city_onboard

N_OFFERS = int(os.environ.get("BENCH_MATCH_OFFERS", 2_000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 60))
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "aides-jeunes" / "data"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue" / "aides_jeunes"
SITUATIONS = ["lyceen", "etudiant", "demandeur_emploi", "salarie", "apprenti", "sans_activite"]
HOUSING = ["parents", "locataire_vide", "locataire_meuble", "locataire_foyer"]


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def _time(fn, rounds: int) -> list[float]:
    fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _profile(rng: random.Random) -> dict:
    return {
        "birth_date": f"{rng.randint(2001, 2010)}-0{rng.randint(1, 9)}-01",
        "situation": rng.choice(SITUATIONS),
        "commune_insee": "91286",
        "boursier": rng.random() < 0.3,
        "net_income_monthly": rng.choice([0, 300, 800, 1200, 1600]),
        "housing_status": rng.choice(HOUSING),
        "rent_monthly": rng.choice([350, 450, 600]),
        "lives_with_partner": False,
    }


@pytest.fixture
def bench_city(committed):
    # Évry, Grigny's neighbour in the same EPCI: the fixture city Grigny covers 91286.
    city = city_onboard(
        name="Bench Rights", slug="bench-rights", insee="91228", admin_email="a@bench.test"
    ).city
    try:
        yield city
    finally:
        connection.set_schema_to_public()
        NationalOffer.objects.all().delete()
        city_drop(city=city, by="bench", confirm_slug=city.slug, dangerously_skip_archive=True)


def test_rights_with_openfisca(bench_city):
    from tenant_apps.matching.openfisca import engine

    rng, now, city, today = random.Random(11), timezone.now(), bench_city, date.today()
    root = SHARED if SHARED.is_dir() else FIXTURES
    source = "aides-jeunes corpus" if root is SHARED else "project fixtures"
    cold = time.perf_counter()
    engine.tax_benefit_system()
    load_s = time.perf_counter() - cold
    js = import_aides_jeunes(path=root / ("benefits/javascript" if root is SHARED else "benefits"))
    of = import_aides_jeunes(path=root / ("benefits/openfisca" if root is SHARED else "openfisca"))
    with in_city(city):
        Offer.objects.bulk_create(
            [
                Offer(
                    kind="aide" if i % 3 == 0 else "emploi",
                    title=f"Offre {i}",
                    status="published",
                    published_at=now - timedelta(hours=i % 500),
                    eligibility={
                        "conditions_generales": [{"type": "age", "operator": "<", "value": 26}]
                    },
                )
                for i in range(N_OFFERS)
            ],
            batch_size=2000,
        )
        people = [_profile(rng) for _ in range(20)]
        inputs = [
            computed.inputs_for(
                p, match_profile_from_dict(p, today=today, city=city).engine, today=today
            )
            for p in people
        ]
        computed.results_compute(inputs)  # what the worker did for them earlier
        candidates = candidates_for_city(city)
        picks = iter(people * (ROUNDS * 3))

        def baseline():
            return list(Offer.objects.filter(status="published").order_by("-published_at")[:20])

        def rights():
            return rights_evaluate(city=city, data=next(picks), today=today, compute=False)

        base = _time(baseline, ROUNDS)
        warm = _time(rights, ROUNDS)
        assert all(rights().computed_at for _ in range(3))  # really served from the cache

        new_people = [_profile(random.Random(1000 + i)) for i in range(5)]
        fresh = []
        for person in new_people:
            person["rent_monthly"] += 1  # a version nobody computed
            engine_profile = match_profile_from_dict(person, today=today, city=city).engine
            start = time.perf_counter()
            computed.results_compute([computed.inputs_for(person, engine_profile, today=today)])
            fresh.append(time.perf_counter() - start)

    base_p50 = statistics.median(base)
    print(
        f"\nRights bench ({source}): {js.created + js.unchanged} rule aids, "
        f"{of.created + of.unchanged} OpenFisca aids, {N_OFFERS} local offers; "
        f"{len(candidates)} candidates"
    )
    print(f"{'measure':<52} {'p50':>9} {'p95/max':>9} {'p50/base':>9} target")
    print(
        f"{'baseline: one ORM page of 20 offers (ms)':<52} {base_p50:9.2f} {_p95(base):9.2f} "
        f"{1:9.2f}"
    )
    print(
        f"{'« mes droits », one profile warm (ms)':<52} {statistics.median(warm):9.2f} "
        f"{_p95(warm):9.2f} {statistics.median(warm) / base_p50:9.2f} p95 ≤ 50 ms"
    )
    print(
        f"{'one new profile, OpenFisca loaded (s)':<52} {statistics.median(fresh):9.2f} "
        f"{max(fresh):9.2f} {'':>9} ≤ 3 s"
    )
    print(f"{'OpenFisca tax-benefit system, cold load (s)':<52} {load_s:9.2f}")
