"""Non-recours in euros: the nightly batch for one city of BENCH_YOUTHS young people (10,000).

Run by `make bench` only (or: pytest tests/bench/bench_nonrecours.py -p no:randomly -s -q
-o python_files='bench_*.py'). Grigny gets the national catalogue (the real aides-jeunes corpus,
its JavaScript and OpenFisca benefits, when ../shared/data is there; else 450 synthetic aids with
rules and the national benefits OpenFisca computes), BENCH_NONRECOURS_LOCAL local aids with an
amount, and the young people, most of whom gave their income and housing; one in six said they
applied for an aid they are eligible to.

Printed: the batch time, cold (every profile version simulated by OpenFisca) and warm (the
versions already have a result: a night where nobody changed their profile), each with the
simulation's share, and what the diagnostic shows.
"""

from __future__ import annotations

import os
import random
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from kernel.clock import local_today

from shared_apps.accounts.models import Role, User
from shared_apps.national.models import NationalOffer
from tenant_apps.analytics.nonrecours import nonrecours_snapshot_take, registered_people
from tenant_apps.analytics.selectors import DiagnosticFilters, diagnostic
from tenant_apps.catalogue.models import Offer
from tenant_apps.catalogue.services import offer_refresh_search
from tenant_apps.matching import computed
from tenant_apps.matching.candidates import candidate_cache, candidates_for_city
from tenant_apps.matching.models import RightClaim
from tenant_apps.matching.openfisca.corpus import BENEFITS
from tenant_apps.matching.rights import rights_evaluate
from tenant_apps.youth.models import Neighbourhood, YouthProfile
from tenants.cache import platform_cache
from tenants.context import in_city

N_YOUTHS = int(os.environ.get("BENCH_YOUTHS", 10_000))
N_LOCAL = int(os.environ.get("BENCH_NONRECOURS_LOCAL", 30))
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "aides-jeunes" / "data"
SITUATIONS = ["lyceen", "etudiant", "apprenti", "salarie", "demandeur_emploi", "service_civique",
              "sans_activite", "alternant", "stagiaire", "independant"]  # fmt: skip
HOUSING = ["parents", "parents", "locataire_vide", "locataire_meuble", "locataire_foyer",
           "heberge_gratuitement", "sans_domicile"]  # fmt: skip
RENTED = {"locataire_vide", "locataire_meuble", "locataire_foyer"}


def _national_catalogue() -> str:
    from django.core.management import call_command

    if (DATA / "benefits" / "javascript").is_dir():
        for folder in ("javascript", "openfisca"):  # rules, then amounts computed per person
            call_command("import_aides_jeunes", str(DATA / "benefits" / folder), verbosity=0)
        return "aides-jeunes corpus, its OpenFisca benefits included"
    NationalOffer.objects.bulk_create(
        [
            NationalOffer(kind="aide", title=f"Aide nationale {i}", status="published",
                          published_at=timezone.now(), scope="national",
                          eligibility={"conditions_generales": [
                              {"type": "age", "operator": "<=", "value": 25 + i % 5}]})
            for i in range(450)
        ]
        + [
            NationalOffer(kind="aide", title=benefit.slug, status="published",
                          published_at=timezone.now(), scope="national",
                          eligibility={"conditions_generales": [
                              {"type": "openfisca", "benefit": benefit.slug}]})
            for benefit in BENEFITS
            if benefit.territory is None
        ]
    )  # fmt: skip
    return "synthetic, with the national benefits OpenFisca computes"


def _local_aids(rng: random.Random) -> list[Offer]:
    aids = []
    for i in range(N_LOCAL):
        aid = Offer(
            kind="aide",
            title=f"Aide de la ville {i}",
            status="published",
            published_at=timezone.now(),
            amount_value=Decimal(rng.choice([20, 30, 50, 80, 100, 150])),
            periodicity=rng.choice(["mensuelle", "mensuelle", "annuelle", "ponctuelle"]),
            age_min=rng.choice([None, 16, 18]),
            age_max=rng.choice([None, 25]),
            situations=rng.sample(SITUATIONS, 3) if i % 2 else [],
        )
        offer_refresh_search(aid)
        aids.append(aid)
    return Offer.objects.bulk_create(aids)


def _youths(rng: random.Random, hoods: list[Neighbourhood]) -> None:
    users = User.objects.bulk_create(
        [User(email=f"nr{i}@bench.test", role=Role.YOUTH, password="!") for i in range(N_YOUTHS)],
        batch_size=2000,
    )
    profiles = []
    for user in users:
        housing = rng.choice(HOUSING)
        answered = rng.random() < 0.7  # most gave their money answers
        profiles.append(
            YouthProfile(
                user=user,
                birth_date=date(rng.randint(2001, 2011), rng.randint(1, 12), rng.randint(1, 28)),
                situation=rng.choice(SITUATIONS),
                neighbourhood=rng.choice(hoods) if hoods and rng.random() < 0.9 else None,
                commune_insee="91286" if rng.random() < 0.8 else "",
                boursier=rng.random() < 0.3 if rng.random() < 0.8 else None,
                net_income_monthly=Decimal(rng.choice([0, 0, 300, 600, 900, 1200, 1500, 2000]))
                if answered
                else None,
                housing_status=housing if answered else "",
                rent_monthly=Decimal(rng.randrange(250, 900, 10))
                if answered and housing in RENTED
                else None,
                lives_with_partner=rng.random() < 0.15 if answered else None,
            )
        )
    YouthProfile.objects.bulk_create(profiles, batch_size=2000)


def _evict(city, today: date) -> int:
    """Forget the stored OpenFisca results of the city's profile versions (a cold night)."""
    versions = {
        computed.version(computed.inputs_for(p.data, p.profile.engine, today=today))
        for p in registered_people(city=city, today=today)
    }
    keys = {f"rights:openfisca:{v}" for v in versions}  # computed.py's key of a result
    platform_cache.delete_many(list(keys))
    return len(keys)


def _run(city, today: date, label: str) -> dict:
    started = time.perf_counter()
    snapshot = nonrecours_snapshot_take(city=city, day=today)
    wall = time.perf_counter() - started
    share = snapshot.simulation_seconds / wall if wall else 0
    print(
        f"{label:<6} batch {wall:6.1f} s for {snapshot.people} young people "
        f"({snapshot.people / wall:,.0f}/s); OpenFisca {snapshot.simulation_seconds:5.1f} s "
        f"= {share:.0%} ({snapshot.simulated} profile versions simulated)"
    )
    return {"wall": wall, "simulated": snapshot.simulated}


@pytest.mark.django_db
def test_nonrecours_batch_for_a_city_of_10000(grigny):
    from tenant_apps.matching.openfisca import engine
    from tenant_apps.matching.openfisca.simulate import warm_up

    rng, city, today = random.Random(17), grigny, local_today()
    started = time.perf_counter()
    source = _national_catalogue()
    with in_city(city):
        hoods = [Neighbourhood.objects.create(code=f"q{i}", name=f"Quartier {i}", is_qpv=i < 4)
                 for i in range(6)]  # fmt: skip
        _local_aids(rng)
        _youths(rng, hoods)
        candidate_cache.invalidate()
        aids = [c for c in candidates_for_city(city) if c.kind == "aide"]
        # Claims: one in six young people, for an aid that fits their rules (OpenFisca warm).
        engine.tax_benefit_system()
        warm_up()
        _run(city, today, "first")  # also stores every version's result, for the claims
        people = registered_people(city=city, today=today)  # in user id order
        user_ids = (
            YouthProfile.objects.filter(user__role="youth", user__is_active=True)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        claims = []
        for person, user_id in zip(people, user_ids, strict=True):
            if rng.random() >= 1 / 6:
                continue
            answer = rights_evaluate(city=city, data=person.data, today=today,
                                     profile=person.profile, compute=False)  # fmt: skip
            if answer.eligible:
                claims.append(RightClaim(user_id=user_id, offer_id=rng.choice(answer.eligible).id))
        RightClaim.objects.bulk_create(claims, batch_size=2000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        setup = time.perf_counter() - started
        print(
            f"\nNon-recours bench: {N_YOUTHS} young people in one city, {len(aids)} aids "
            f"({source}, {N_LOCAL} local), {len(claims)} claims (setup {setup:.0f} s)"
        )
        runs = []
        for round_ in (1, 2):
            versions = _evict(city, today)
            runs.append((versions, _run(city, today, f"cold {round_}")))
            runs.append((0, _run(city, today, f"warm {round_}")))
        print(f"{versions} distinct profile versions; target: OpenFisca batch ≤ 60 s")
        data = diagnostic(filters=DiagnosticFilters(today.replace(day=1), today))
    section = next(s for s in data["sections"] if s["id"] == "non-recours")
    print("Diagnostic:", "; ".join(f"{f['label']}: {f['value']}" for f in section["figures"]))
    table = next(t for t in section["tables"] if t["id"] == "nonrecours_euros")
    for row in table["rows"][:8]:
        print(f"  {row['label'][:60]:<60} " + " | ".join(str(v) for v in row["values"]))
    # Cold nights simulate each distinct version once; warm ones none.
    assert [run["simulated"] for _, run in runs] == [expected for expected, _ in runs]
