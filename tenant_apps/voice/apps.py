from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "tenant_apps.voice"
    label = "voice"
    verbose_name = "Parole des jeunes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import data_rights  # noqa: F401 - registers the export and erasure sections
