"""Feature flags per city: on only when the operator allows it AND the city enables it.

- operator side: tenants.models.CityFeature (public schema). The city's plan allows its
  features (`feature_plan_apply`, called by shared_apps.billing when a plan is chosen or
  changes); an operator can override one feature for one city (`feature_allow`, recorded as
  source "operator" and audited), which plan changes leave alone until `feature_follow_plan`;
- city side: the store an app registers in tenants.hooks (tenant_apps.features: FeatureSetting
  rows in the city's schema), written by `feature_enable`; the city admin's page goes through
  `feature_switch`, which refuses to turn on what the operator side does not allow.

`feature_enabled(city, key)` is what code asks; it reads one Redis key per city (the set of
features that are on), rebuilt on a miss with two small queries. The key carries the city's own
"features" generation (tenants/generations.py), which any flag change of that city bumps: every
process drops its view within half a second, and no other city's flags or hosts go stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from kernel.errors import PermissionDenied, ValidationFailed

from . import hooks
from .cache import platform_cache
from .context import in_city
from .generations import generation_bump, generations
from .models import City, CityFeature, FeatureSource
from .services import audit


@dataclass(frozen=True)
class Feature:
    key: str
    label: str  # French, shown to operators and city admins
    description: str = ""


# The registry: add a feature here (or with `feature_register` from an app's ready()).
FEATURES: dict[str, Feature] = {}


def feature_register(key: str, label: str, description: str = "") -> Feature:
    feature = FEATURES[key] = Feature(key, label, description)
    return feature


feature_register("mentors", "Mentors", "Les jeunes choisissent un mentor ou un conseiller.")
feature_register("notifications", "Notifications", "Alertes par e-mail ou notification push.")
feature_register(
    "diagnostic_export", "Export du diagnostic", "Télécharger le diagnostic de la jeunesse."
)
feature_register(
    "custom_domain", "Domaine personnalisé", "La ville utilise son propre nom de domaine."
)

CACHE_TTL = 3600
GENERATION = "features"


def _cache_key(city: City) -> str | None:
    """The city's key under its current generation; None while Redis is unreachable."""
    version = generations.version([(GENERATION, city.schema_name)])
    return None if version is None else f"tenants:features:{version}:{city.pk}"


def _check_key(key: str) -> None:
    if key not in FEATURES:
        raise ValidationFailed(
            f"Fonctionnalité inconnue : « {key} ».", fields={"key": ["Fonctionnalité inconnue."]}
        )


def invalidate_city_features(city: City) -> None:
    # Now, and again after commit in case another process re-cached the old state meanwhile.
    generation_bump(GENERATION, city.schema_name)


@dataclass(frozen=True)
class FeatureState:
    feature: Feature
    allowed: bool  # by the operator
    enabled: bool  # by the city
    source: str = ""  # FeatureSource of the operator side; "" when never decided

    @property
    def on(self) -> bool:
        return self.allowed and self.enabled

    @property
    def overridden(self) -> bool:
        return self.source == FeatureSource.OPERATOR


def feature_states(*, city: City) -> list[FeatureState]:
    """Both sides of every registered feature for `city` (for the console and staff pages)."""
    rows = {
        key: (allowed, source)
        for key, allowed, source in CityFeature.objects.filter(city=city).values_list(
            "key", "allowed", "source"
        )
    }
    with in_city(city):
        enabled = hooks.feature_store().enabled()
    states = []
    for key, feature in FEATURES.items():
        allowed, source = rows.get(key, (False, ""))
        states.append(FeatureState(feature, allowed, enabled.get(key, False), source))
    return states


def feature_enabled(city: City, key: str) -> bool:
    """Is `key` on for `city`? One cache read when warm."""
    if key not in FEATURES:
        raise KeyError(f"Unknown feature {key!r}: register it in tenants/features.py")
    # Platform-wide: asked in the city's schema and on the operator's host alike.
    # The key is read before the rows: a change landing in between makes what we keep stale.
    cache_key = _cache_key(city)
    on = platform_cache.get(cache_key) if cache_key else None
    if on is None:
        on = frozenset(state.feature.key for state in feature_states(city=city) if state.on)
        if cache_key:
            platform_cache.set(cache_key, on, timeout=CACHE_TTL)
    return key in on


@transaction.atomic
def feature_allow(*, city: City, key: str, allowed: bool, by: str) -> CityFeature:
    """The operator allows (or withdraws) a feature for a city: an override of its plan."""
    _check_key(key)
    flag, created = CityFeature.objects.select_for_update().get_or_create(
        city=city,
        key=key,
        defaults={"allowed": allowed, "updated_by": by, "source": FeatureSource.OPERATOR},
    )
    if not created and flag.allowed == allowed:
        return flag
    flag.allowed, flag.updated_by, flag.source = allowed, by, FeatureSource.OPERATOR
    flag.full_clean()
    flag.save()
    audit(actor=by, action="feature.allowed" if allowed else "feature.denied", city=city, key=key)
    invalidate_city_features(city)
    return flag


def plan_allowed_keys(*, city: City) -> set[str]:
    """The features the city's plan currently allows (operator overrides aside)."""
    return set(
        CityFeature.objects.filter(city=city, source=FeatureSource.PLAN, allowed=True).values_list(
            "key", flat=True
        )
    )


@dataclass(frozen=True)
class PlanChange:
    added: list[str]
    removed: list[str]


@transaction.atomic
def feature_plan_apply(*, city: City, keys: Iterable[str], plan: str, by: str) -> PlanChange:
    """Allow exactly `keys` among the features the plan decides; overrides stay as they are."""
    keys = set(keys)
    for key in keys:
        _check_key(key)
    rows = {flag.key: flag for flag in CityFeature.objects.select_for_update().filter(city=city)}
    added, removed = [], []
    for key in FEATURES:
        flag = rows.get(key)
        if flag is not None and flag.source == FeatureSource.OPERATOR:
            continue
        allowed = key in keys
        if flag is None and not allowed:
            continue
        if flag is not None and flag.allowed == allowed:
            continue
        flag = flag or CityFeature(city=city, key=key, source=FeatureSource.PLAN)
        flag.allowed, flag.updated_by = allowed, by
        flag.full_clean()
        flag.save()
        (added if allowed else removed).append(key)
        action = "feature.plan_allowed" if allowed else "feature.plan_withdrawn"
        audit(actor=by, action=action, city=city, key=key, plan=plan)
    if added or removed:
        invalidate_city_features(city)
    return PlanChange(added, removed)


@transaction.atomic
def feature_follow_plan(*, city: City, key: str, allowed: bool, by: str) -> CityFeature:
    """Drop the operator's override of `key`: the plan decides again (`allowed` is its say)."""
    _check_key(key)
    flag = CityFeature.objects.select_for_update().filter(city=city, key=key).first()
    if flag is None:
        flag = CityFeature(city=city, key=key, allowed=False)
    elif flag.source == FeatureSource.PLAN and flag.allowed == allowed:
        return flag
    changed = flag.allowed != allowed
    flag.allowed, flag.source, flag.updated_by = allowed, FeatureSource.PLAN, by
    flag.full_clean()
    flag.save()
    audit(actor=by, action="feature.override_cleared", city=city, key=key, allowed=allowed)
    if changed:
        invalidate_city_features(city)
    return flag


def feature_switch(*, city: City, key: str, enabled: bool, by: str):
    """The city admin's switch: turning on a feature the plan does not include is refused."""
    _check_key(key)
    if enabled:
        flag = CityFeature.objects.filter(city=city, key=key, allowed=True).first()
        if flag is None:
            raise PermissionDenied(
                f"« {FEATURES[key].label} » n'est pas incluse dans la formule de ta ville : "
                "l'équipe Tremplin peut changer la formule ou l'ajouter.",
                code="feature_not_in_plan",
            )
    return feature_enable(city=city, key=key, enabled=enabled, by=by)


@transaction.atomic
def feature_enable(*, city: City, key: str, enabled: bool, by: str):
    """The city's admin turns a feature on or off (only effective where the operator allows)."""
    _check_key(key)
    with in_city(city):
        setting = hooks.feature_store().set(key=key, enabled=enabled, by=by)
    invalidate_city_features(city)
    return setting
