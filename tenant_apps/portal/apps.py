from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tenant_apps.portal"
    label = "portal"
    verbose_name = "Portail jeunes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (
            data_rights,  # noqa: F401 - saves and registrations in export and erasure
            signals,  # noqa: F401 - cached pages go stale
        )
