"""The demo seeding of one city runs in that city's schema, through the single-city door."""

from __future__ import annotations

from tremplin.demo import _seed_city

from shared_apps.accounts.models import User
from tenants.context import in_city
from tenants.crosscity import run_in_city


def test_a_city_is_seeded_in_its_own_schema_and_idempotently(grigny, gennevilliers):
    run_in_city(grigny, _seed_city)
    run_in_city(grigny, _seed_city)  # again: nothing twice
    with in_city(grigny):
        emails = set(User.objects.values_list("email", flat=True))
        assert {"staff@grigny.demo", "jeune@grigny.demo"} <= emails
        assert User.objects.filter(email="jeune@grigny.demo").count() == 1
    with in_city(gennevilliers):
        assert not User.objects.filter(email__endswith=".demo").exists()
    assert not User.objects.filter(email__endswith=".demo").exists()  # nor in public
