from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "tenant_apps.matching"
    label = "matching"
    verbose_name = "Accompagnement et recommandations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (
            hooks,
            signals,  # noqa: F401 - cached candidates follow catalogue changes
        )

        hooks.register()  # a published offer is announced (catalogue.publication)
