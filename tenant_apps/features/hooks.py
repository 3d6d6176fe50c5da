"""The city's side of the feature flags, as the store tenants.features reads and writes
(registered in tenants.hooks from this app's ready())."""

from __future__ import annotations

from tenants import hooks

from .models import FeatureSetting


class FeatureSettingStore:
    """FeatureSetting rows of the current city's schema."""

    def enabled(self) -> dict[str, bool]:
        return dict(FeatureSetting.objects.values_list("key", "enabled"))

    def set(self, *, key: str, enabled: bool, by: str) -> FeatureSetting:
        setting, created = FeatureSetting.objects.get_or_create(key=key)
        if setting.enabled != enabled or created:
            setting.enabled, setting.updated_by = enabled, by
            setting.full_clean()
            setting.save()
        return setting


def register() -> None:
    hooks.feature_store_register(FeatureSettingStore())
