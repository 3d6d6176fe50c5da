"""Feature flags: on only when the operator allows AND the city enables; cached, per city."""

from __future__ import annotations

import pytest
from kernel.errors import ValidationFailed

from tenant_apps.features.models import FeatureSetting
from tenants.context import in_city
from tenants.features import (
    FEATURES,
    feature_allow,
    feature_enable,
    feature_enabled,
    feature_states,
)
from tenants.models import AuditEntry


@pytest.mark.parametrize(
    ("allowed", "enabled", "on"),
    [(False, False, False), (True, False, False), (False, True, False), (True, True, True)],
)
def test_a_feature_is_on_only_when_both_sides_hold(grigny, allowed, enabled, on):
    feature_allow(city=grigny, key="mentors", allowed=allowed, by="ops@tremplin.test")
    feature_enable(city=grigny, key="mentors", enabled=enabled, by="admin@grigny.test")
    assert feature_enabled(grigny, "mentors") is on
    assert feature_enabled(grigny, "notifications") is False


def test_changes_take_effect_despite_the_cache(grigny):
    assert feature_enabled(grigny, "mentors") is False  # cached now
    feature_allow(city=grigny, key="mentors", allowed=True, by="ops")
    feature_enable(city=grigny, key="mentors", enabled=True, by="admin")
    assert feature_enabled(grigny, "mentors") is True
    feature_allow(city=grigny, key="mentors", allowed=False, by="ops")
    assert feature_enabled(grigny, "mentors") is False
    feature_allow(city=grigny, key="mentors", allowed=True, by="ops")
    with in_city(grigny):  # a direct write in the city schema invalidates too (signal)
        FeatureSetting.objects.filter(key="mentors").update(enabled=False)
        FeatureSetting.objects.get(key="mentors").save()
    assert feature_enabled(grigny, "mentors") is False


def test_warm_check_costs_no_query(grigny, django_assert_num_queries):
    feature_enabled(grigny, "mentors")
    with django_assert_num_queries(0):
        assert feature_enabled(grigny, "diagnostic_export") is False


def test_one_city_flags_never_leak_to_another(grigny, gennevilliers):
    feature_allow(city=grigny, key="mentors", allowed=True, by="ops")
    feature_enable(city=grigny, key="mentors", enabled=True, by="admin")
    feature_enable(city=gennevilliers, key="notifications", enabled=True, by="admin")
    assert feature_enabled(grigny, "mentors") is True
    assert feature_enabled(gennevilliers, "mentors") is False
    assert feature_enabled(gennevilliers, "notifications") is False  # not allowed there
    with in_city(gennevilliers):
        assert not FeatureSetting.objects.filter(key="mentors").exists()
    states = {s.feature.key: s for s in feature_states(city=gennevilliers)}
    assert set(states) == set(FEATURES)
    assert states["notifications"].enabled and not states["notifications"].allowed


def test_operator_changes_are_audited_once(grigny):
    feature_allow(city=grigny, key="custom_domain", allowed=True, by="ops@tremplin.test")
    feature_allow(city=grigny, key="custom_domain", allowed=True, by="ops@tremplin.test")
    feature_allow(city=grigny, key="custom_domain", allowed=False, by="ops@tremplin.test")
    actions = list(
        AuditEntry.objects.filter(city=grigny, action__startswith="feature.")
        .order_by("pk")
        .values_list("action", "details")
    )
    assert actions == [
        ("feature.allowed", {"key": "custom_domain"}),
        ("feature.denied", {"key": "custom_domain"}),
    ]


def test_unknown_keys_are_refused(grigny):
    with pytest.raises(ValidationFailed):
        feature_allow(city=grigny, key="teleportation", allowed=True, by="ops")
    with pytest.raises(KeyError):
        feature_enabled(grigny, "teleportation")


def test_a_flag_change_in_one_city_leaves_another_citys_caches_warm(
    grigny, gennevilliers, django_assert_num_queries
):
    from tenants.generations import generations
    from tenants.resolution import HostCache, host_cache

    other_process = HostCache()  # warmed before the change, like another worker
    for cache in (host_cache, other_process):
        cache.resolve("gennevilliers.localhost")
        cache.resolve("grigny.localhost")
    assert feature_enabled(gennevilliers, "mentors") is False
    assert feature_enabled(grigny, "mentors") is False
    feature_allow(city=grigny, key="mentors", allowed=True, by="ops")
    feature_enable(city=grigny, key="mentors", enabled=True, by="admin")
    generations.forget()  # what another process knows once its half-second is up
    with django_assert_num_queries(0):
        for cache in (host_cache, other_process):
            assert cache.resolve("gennevilliers.localhost").city.slug == "gennevilliers"
            assert cache.resolve("grigny.localhost").city.slug == "grigny"
        assert feature_enabled(gennevilliers, "mentors") is False
    assert feature_enabled(grigny, "mentors") is True  # the change shows in the city it hit
    with django_assert_num_queries(0):
        assert feature_enabled(grigny, "mentors") is True
