from django.apps import AppConfig

from shared_apps.offers.computed import computed_benefits_register


class MatchingConfig(AppConfig):
    name = "tenant_apps.matching"
    label = "matching"
    verbose_name = "Accompagnement et recommandations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (  # noqa: F401
            data_rights,  # bookings, inbox, claims in a person's export and erasure
            hooks,
            signals,  # cached candidates follow catalogue changes
        )

        hooks.register()  # a published offer is announced (catalogue.publication)
        computed_benefits_register(_computed_slugs)  # the importer keeps what we compute


def _computed_slugs() -> list[str]:
    from .openfisca.corpus import computed_benefits

    return [benefit.slug for benefit in computed_benefits()]
