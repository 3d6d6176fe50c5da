"""Feature flags per city: on only when the operator allows it AND the city enables it.

- operator side: tenants.models.CityFeature (public schema), written by `feature_allow`;
- city side: the store an app registers in tenants.hooks (tenant_apps.features: FeatureSetting
  rows in the city's schema), written by `feature_enable`.

`feature_enabled(city, key)` is what code asks; it reads one Redis key per city (the set of
features that are on), rebuilt on a miss with two small queries. The key carries the host
cache's generation, and any flag change bumps that generation: every process drops its view
within a second (flag changes are rare; re-resolving hosts afterwards costs a few queries).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from kernel.errors import ValidationFailed

from . import hooks
from .cache import platform_cache
from .context import in_city
from .models import City, CityFeature
from .resolution import host_cache
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


def _cache_key(city_id: int) -> str:
    return f"tenants:features:{host_cache.generation()}:{city_id}"


def _check_key(key: str) -> None:
    if key not in FEATURES:
        raise ValidationFailed(
            f"Fonctionnalité inconnue : « {key} ».", fields={"key": ["Fonctionnalité inconnue."]}
        )


def invalidate_city_features(city: City) -> None:
    host_cache.invalidate()
    # Again after commit, in case another process re-cached the old state meanwhile.
    transaction.on_commit(host_cache.invalidate)


@dataclass(frozen=True)
class FeatureState:
    feature: Feature
    allowed: bool  # by the operator
    enabled: bool  # by the city

    @property
    def on(self) -> bool:
        return self.allowed and self.enabled


def feature_states(*, city: City) -> list[FeatureState]:
    """Both sides of every registered feature for `city` (for the console and staff pages)."""
    allowed = dict(CityFeature.objects.filter(city=city).values_list("key", "allowed"))
    with in_city(city):
        enabled = hooks.feature_store().enabled()
    return [
        FeatureState(feature, allowed.get(key, False), enabled.get(key, False))
        for key, feature in FEATURES.items()
    ]


def feature_enabled(city: City, key: str) -> bool:
    """Is `key` on for `city`? One cache read when warm."""
    if key not in FEATURES:
        raise KeyError(f"Unknown feature {key!r}: register it in tenants/features.py")
    # Platform-wide: asked in the city's schema and on the operator's host alike.
    on = platform_cache.get(_cache_key(city.pk))
    if on is None:
        on = frozenset(state.feature.key for state in feature_states(city=city) if state.on)
        platform_cache.set(_cache_key(city.pk), on, timeout=CACHE_TTL)
    return key in on


@transaction.atomic
def feature_allow(*, city: City, key: str, allowed: bool, by: str) -> CityFeature:
    """The operator allows (or withdraws) a feature for a city."""
    _check_key(key)
    flag, created = CityFeature.objects.select_for_update().get_or_create(
        city=city, key=key, defaults={"allowed": allowed, "updated_by": by}
    )
    if not created and flag.allowed == allowed:
        return flag
    flag.allowed, flag.updated_by = allowed, by
    flag.full_clean()
    flag.save()
    audit(actor=by, action="feature.allowed" if allowed else "feature.denied", city=city, key=key)
    invalidate_city_features(city)
    return flag


@transaction.atomic
def feature_enable(*, city: City, key: str, enabled: bool, by: str):
    """The city's admin turns a feature on or off (only effective where the operator allows)."""
    _check_key(key)
    with in_city(city):
        setting = hooks.feature_store().set(key=key, enabled=enabled, by=by)
    invalidate_city_features(city)
    return setting
