from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tenant_apps.portal"
    label = "portal"
    verbose_name = "Portail jeunes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenant_apps.voice.feedback import event_ratings_register

        from . import (
            data_rights,  # noqa: F401 - saves and registrations in export and erasure
            signals,  # noqa: F401 - cached pages go stale
        )
        from .selectors import event_ratings_between

        event_ratings_register(event_ratings_between)  # the diagnostic's event ratings
