from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "shared_apps.fleet"
    label = "fleet"
    verbose_name = "Usage de la flotte"
    default_auto_field = "django.db.models.BigAutoField"
