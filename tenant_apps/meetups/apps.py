from django.apps import AppConfig


class MeetupsConfig(AppConfig):
    name = "tenant_apps.meetups"
    label = "meetups"
    verbose_name = "Adopte un pro (rencontres éclair)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import data_rights, signals  # noqa: F401 - export and erasure sections, cache
