"""Usage figures cross schemas explicitly and count each city's own rows only."""

from __future__ import annotations

from shared_apps.accounts.models import Role
from tenants.lifecycle import city_suspend
from tenants.usage import city_usage, city_usage_many


def test_usage_counts_each_city_separately(grigny, gennevilliers, make_user):
    base_grigny = city_usage(city=grigny, fresh=True).users
    base_gennevilliers = city_usage(city=gennevilliers, fresh=True).users
    make_user(grigny, "a@grigny.test", Role.YOUTH)
    make_user(grigny, "b@grigny.test", Role.YOUTH)
    assert city_usage(city=grigny, fresh=True).users == base_grigny + 2
    assert city_usage(city=gennevilliers, fresh=True).users == base_gennevilliers
    assert city_usage(city=grigny).published_offers is not None  # the catalogue is installed


def test_usage_many_uses_the_cache(grigny, gennevilliers, django_assert_num_queries):
    city_usage_many(cities=[grigny, gennevilliers])
    with django_assert_num_queries(0):
        usage = city_usage_many(cities=[grigny, gennevilliers])
    assert usage[grigny.pk].users is not None


def test_suspended_cities_are_still_measured(grigny):
    city_suspend(city=grigny, by="ops", reason="test")
    grigny.refresh_from_db()
    assert city_usage(city=grigny, fresh=True).users is not None
