from django.apps import AppConfig


class YouthConfig(AppConfig):
    name = "tenant_apps.youth"
    label = "youth"
    verbose_name = "Jeunes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the account's own export and erasure sections.
        from . import exports  # noqa: F401
