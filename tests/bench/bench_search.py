"""Search over a city's catalogue: 10,000 local offers + a national catalogue, in-process.

Run by `make bench` only. Prints p50/p95 of one page of `offer_list_for_city` (count + first
20 rows, hydrated as the API does) for each scenario, against a baseline measured in the same
run: a plain ORM list of the same 20 published offers with its count. Target (issue 3): p95 ≤ 30 ms
with and without `near`.

    BENCH_OFFERS   local offers in the city (default 10000)
    BENCH_ROUNDS   timed runs per scenario (default 60)
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from shared_apps.national.models import NationalOffer
from tenant_apps.catalogue.models import Offer
from tenant_apps.catalogue.selectors import OfferFilters, offer_list_for_city
from tenant_apps.catalogue.services import offer_refresh_search
from tenants.context import in_city

N_OFFERS = int(os.environ.get("BENCH_OFFERS", 10_000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 60))
TARGET_P95_MS = 30.0
GRIGNY = (48.6536, 2.3930)

WORDS = " ".join(
    [
        "permis conduire mobilité vélo logement étudiant bourse stage alternance",
        "apprentissage emploi job été animation sport football basket danse théâtre",
        "musique concert atelier numérique informatique code santé psychologue",
        "sophrologie citoyenneté engagement bénévolat service civique formation BAFA",
        "secourisme cuisine restauration commerce vente logistique jardinage",
        "environnement voyage Erasmus international langue anglais entreprise création",
        "orientation métier CV entretien recrutement salon forum cinéma lecture",
        "bibliothèque",
    ]
).split(" ")
KINDS = ["aide", "emploi", "formation", "evenement", "bon_plan", "service"]
THEMES = ["mobilite", "sport", "culture", "loisirs", "trouver-un-emploi", "se-former", "sante"]


def _offer(rng: random.Random, i: int, now) -> Offer:
    kind = KINDS[i % len(KINDS)]
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6))).capitalize()
    located = rng.random() < 0.8
    offer = Offer(
        kind=kind,
        title=f"{title} {i}",
        summary=" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))),
        themes=rng.sample(THEMES, 2),
        status="published" if rng.random() < 0.9 else "draft",
        published_at=now - timedelta(minutes=i),
        latitude=GRIGNY[0] + rng.uniform(-0.3, 0.3) if located else None,
        longitude=GRIGNY[1] + rng.uniform(-0.4, 0.4) if located else None,
        starts_at=now + timedelta(days=rng.randint(1, 90)) if kind == "evenement" else None,
        commune_insee="91286",
        is_free=rng.random() < 0.7,
    )
    offer_refresh_search(offer)
    return offer


def _national(rng: random.Random, i: int, now) -> NationalOffer:
    offer = NationalOffer(
        kind="aide",
        title=" ".join(rng.choice(WORDS) for _ in range(4)).capitalize() + f" national {i}",
        summary="Aide de 200 € (ponctuelle)",
        status="published",
        published_at=now,
        scope=rng.choice(["national", "regional", "departemental"]),
        region_codes=[rng.choice(["11", "84", "32"])],
        departement_codes=[rng.choice(["91", "74", "59"])],
    )
    offer_refresh_search(offer)
    return offer


def _time(fn, rounds: int) -> list[float]:
    fn()  # warm-up (plan cache, connection)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def test_search_latency(grigny):
    rng = random.Random(42)
    now = timezone.now()
    with in_city(grigny):
        Offer.objects.bulk_create([_offer(rng, i, now) for i in range(N_OFFERS)], batch_size=2000)
        NationalOffer.objects.bulk_create([_national(rng, i, now) for i in range(450)])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalogue_offer")
            cursor.execute("ANALYZE national_nationaloffer")

        def page(filters: OfferFilters):
            def run():
                results = offer_list_for_city(filters=filters)
                results.count()
                return results[0:20]

            return run

        def baseline():
            qs = Offer.objects.filter(status="published").order_by("-published_at")
            qs.count()
            return list(qs.select_related("structure")[:20])

        queries = ["permis", "mobilite", "job ete", "service civique", "concert musique"]
        scenarios = {
            "baseline: plain ORM list + count": baseline,
            "browse (no q, no near)": page(OfferFilters()),
            "browse near 10 km": page(OfferFilters(near=GRIGNY, radius_km=10)),
            "kind=evenement, theme=sport": page(OfferFilters(kind="evenement", theme="sport")),
        }
        for q in queries:
            scenarios[f"q={q!r}"] = page(OfferFilters(q=q))
            scenarios[f"q={q!r} near 10 km"] = page(OfferFilters(q=q, near=GRIGNY, radius_km=10))
        results = {name: _time(fn, ROUNDS) for name, fn in scenarios.items()}
        matches = offer_list_for_city(filters=OfferFilters(q="permis")).count()

    base = statistics.median(results["baseline: plain ORM list + count"])
    print(f"\n{N_OFFERS} local + 450 national offers, {ROUNDS} runs each, 'permis': {matches} hits")
    print(f"{'scenario':<40} {'p50 ms':>8} {'p95 ms':>8} {'p50/base':>9}")
    worst_plain = worst_near = 0.0
    for name, samples in results.items():
        p50, p95 = statistics.median(samples), _p(samples, 95)
        print(f"{name:<40} {p50:8.2f} {p95:8.2f} {p50 / base:9.2f}")
        if name.startswith("baseline"):
            continue
        if "near" in name:
            worst_near = max(worst_near, p95)
        else:
            worst_plain = max(worst_plain, p95)
    print(f"worst p95 without near: {worst_plain:.1f} ms, with near: {worst_near:.1f} ms "
          f"(target ≤ {TARGET_P95_MS:.0f} ms)")  # fmt: skip
